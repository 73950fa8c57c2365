//! The fact tables: their schemas, and how one article's facts become rows.
//!
//! A table is a name and a fixed list of typed columns ([`TableDef`]). Rows are built as
//! borrowed [`Cell`]s in column order and appended straight into typed column buffers of a
//! [`Buffer`] (string columns as runs of equal values) until the sink writes them as one
//! chunk, a column at a time ([`Buffer::write_chunk`]), and the buffers are filled again.

use polars::prelude::*;
use polars_arrow::array::{
    Array, BinaryViewArray, BooleanArray, DictionaryArray, MutableBinaryViewArray, PrimitiveArray,
    View,
};
use polars_arrow::bitmap::{Bitmap, MutableBitmap};
use polars_arrow::datatypes::{ArrowDataType, IntegerType};
use polars_arrow::types::NativeType;
use polars_buffer::Buffer as PBuffer;
use polars_parquet::write::Encoding;
use std::hash::BuildHasher;
use warta_core::{
    Activity, Article, ArticleFacts, Mention, MentionValue, OutletKind, Precision, PublishedSource,
    RegionRef,
};

/// The type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Str,
    Int,
    Float,
    Bool,
}

impl Kind {
    fn dtype(self) -> DataType {
        match self {
            Kind::Str => DataType::String,
            Kind::Int => DataType::Int64,
            Kind::Float => DataType::Float64,
            Kind::Bool => DataType::Boolean,
        }
    }
}

/// A fact table: its file name (without extension) and its columns in order.
#[derive(Debug)]
pub(crate) struct TableDef {
    pub name: &'static str,
    pub columns: &'static [(&'static str, Kind)],
}

impl TableDef {
    pub fn schema(&self) -> Schema {
        self.columns
            .iter()
            .map(|(n, k)| Field::new((*n).into(), k.dtype()))
            .collect()
    }
}

use Kind::{Bool, Float, Int, Str};

/// The span columns every mention table starts with.
macro_rules! mention_table {
    ($name:literal, [$(($col:literal, $kind:expr)),* $(,)?]) => {
        TableDef {
            name: $name,
            columns: &[
                ("article_id", Str),
                ("paragraph", Int),
                ("start", Int),
                ("end", Int),
                ("text", Str),
                $(($col, $kind),)*
                ("evidence", Str),
                ("rule", Str),
            ],
        }
    };
}

pub(crate) const ARTICLES: TableDef = TableDef {
    name: "articles",
    columns: &[
        ("article_id", Str),
        ("source_path", Str),
        ("source_line", Int),
        ("outlet", Str),
        ("outlet_name", Str),
        ("title", Str),
        ("published", Str),
        ("published_precision", Str),
        ("published_source", Str),
        ("primary_region_code", Str),
        ("primary_region_name", Str),
        ("province_code", Str),
        ("province_name", Str),
        ("cycles", Str),
        ("cluster_id", Str),
        ("cluster_representative", Bool),
        ("paragraphs_kept", Int),
        ("paragraphs_removed", Int),
    ],
};

pub(crate) const ARTICLE_CYCLES: TableDef = TableDef {
    name: "article_cycles",
    columns: &[
        ("article_id", Str),
        ("cluster_id", Str),
        ("cluster_representative", Bool),
        ("province_code", Str),
        ("province_name", Str),
        ("cycle", Str),
    ],
};

pub(crate) const OFFICIALS: TableDef = mention_table!(
    "officials",
    [
        ("modifier", Str),
        ("title", Str),
        ("body", Str),
        ("region_code", Str),
        ("region_name", Str),
        ("province_code", Str),
        ("name", Str),
        ("person", Int),
    ]
);

pub(crate) const REGIONS: TableDef = mention_table!(
    "regions",
    [
        ("code", Str),
        ("name", Str),
        ("level", Str),
        ("province_code", Str),
        ("province_name", Str),
        ("role", Str),
    ]
);

pub(crate) const DATES: TableDef = mention_table!(
    "dates",
    [
        ("iso", Str),
        ("precision", Str),
        ("anchor", Str),
        ("weekday_conflict", Bool),
        ("chrome", Bool),
    ]
);

pub(crate) const COUNTS: TableDef = mention_table!(
    "counts",
    [
        ("value", Float),
        ("approximate", Bool),
        ("noun", Str),
        ("role", Str)
    ]
);

pub(crate) const INSTRUMENTS: TableDef = mention_table!(
    "instruments",
    [
        ("instrument_type", Str),
        ("number", Str),
        ("year", Int),
        ("issuer", Str),
        ("subject", Str),
        ("issued", Str),
        ("instrument", Int),
    ]
);

pub(crate) const ACTIVITIES: TableDef = TableDef {
    name: "activities",
    columns: &[
        ("article_id", Str),
        ("cluster_id", Str),
        ("cluster_representative", Bool),
        ("paragraph", Int),
        ("start", Int),
        ("end", Int),
        ("activity_type", Str),
        ("region_code", Str),
        ("region_name", Str),
        ("region_level", Str),
        ("province_code", Str),
        ("province_name", Str),
        ("cycle", Str),
        ("date", Str),
        ("date_precision", Str),
        ("date_source", Str),
        ("count", Float),
        ("count_role", Str),
        ("official", Str),
        ("evidence", Str),
        ("rule", Str),
    ],
};

/// Every fact table, in the order the sink writes them.
pub(crate) const FACT_TABLES: [&TableDef; 8] = [
    &ARTICLES,
    &ARTICLE_CYCLES,
    &OFFICIALS,
    &REGIONS,
    &DATES,
    &COUNTS,
    &INSTRUMENTS,
    &ACTIVITIES,
];

/// One cell of a row, borrowed from the facts (or from a local the row builder computed).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cell<'a> {
    Str(Option<&'a str>),
    Int(Option<i64>),
    Float(Option<f64>),
    Bool(Option<bool>),
}

fn s(v: &str) -> Cell<'_> {
    Cell::Str(Some(v))
}
fn os(v: Option<&str>) -> Cell<'_> {
    Cell::Str(v)
}
fn int(v: usize) -> Cell<'static> {
    Cell::Int(i64::try_from(v).ok())
}
fn oint(v: Option<usize>) -> Cell<'static> {
    Cell::Int(v.and_then(|v| i64::try_from(v).ok()))
}
fn b(v: bool) -> Cell<'static> {
    Cell::Bool(Some(v))
}

/// A string column is written with a dictionary unless its values are mostly distinct: more
/// than this share of a chunk's rows (of more than [`PLAIN_MIN_ROWS`]) are dictionary entries.
/// The rule of polars' writer, which decides on an estimate of the distinct values.
const PLAIN_SHARE: f64 = 0.75;
/// Chunks of at most this many rows take a dictionary whatever their values.
const PLAIN_MIN_ROWS: usize = 128;
/// The column whose dictionary merges runs of equal values only (see [`StrCol`]).
pub(crate) const RUNS_ONLY: &str = "evidence";
/// The bytes a string column holds before its table writes a chunk early: the views of an
/// array address their bytes with 32-bit offsets.
const ARENA_LIMIT: usize = 1 << 31;

/// A string column of buffered rows: each run of equal values once, and per row its run.
///
/// A value equal to the row before's (the last non-null one) joins its run, so its bytes are
/// compared but not copied: rows of one article and one sentence come in runs. When the chunk
/// is written ([`StrCol::take`]), the runs are merged into the chunk's dictionary, a column at
/// a time, each run hashed once (polars' writer hashes every value twice: to estimate the
/// distinct values, then into a dictionary, after the values were copied into a string
/// array). With `runs_only`, only runs are merged (an entry per run, so a value may have
/// several entries, which Parquet allows): for the evidence sentence, long and repeated only
/// by the mentions of one sentence, which follow one another.
///
/// Keys follow first appearance, and a chunk is written with the dictionary unless more than
/// [`PLAIN_SHARE`] of its rows are entries; then its rows are written plain, as views into the
/// same bytes. The buffers are kept from chunk to chunk ([`Buffer::write_chunk`]): allocated
/// anew for every chunk, their pages were zeroed by the kernel on first touch every time.
struct StrCol {
    runs_only: bool,
    /// The bytes of the runs' values longer than a view holds inline.
    arena: Vec<u8>,
    /// One view per run, into `arena` (buffer 0).
    runs: Vec<View>,
    /// Per row, its run (0 for a null row: never read); once the runs are merged, its entry.
    keys: Vec<u32>,
    /// Set from the first null row on, as polars' string builder does.
    validity: Option<MutableBitmap>,
    hasher: PlRandomState,
}

/// The room a table's [`Buffer`] needs only while it writes a string column, shared by every
/// column of every table: columns are written one at a time.
#[derive(Default)]
pub(crate) struct Scratch {
    /// Merging runs: an open-addressing table of entries (entry + 1, or 0 for an empty slot,
    /// and the high half of the value's hash).
    table: Vec<(u32, u32)>,
    /// Merging runs: each run's entry.
    remap: Vec<u32>,
    /// The dictionary entries when runs are merged.
    entries: Vec<View>,
    /// The row views of a column written plain.
    rows: Vec<View>,
}

/// The view of `bytes`, at most [`View::MAX_INLINE_SIZE`] long: its length, then its bytes
/// zero-padded. Read with a few overlapping loads, where [`View::new_inline`] copies the bytes
/// with a call to `memcpy` of their length.
#[inline]
fn inline_view(bytes: &[u8]) -> View {
    let len = bytes.len();
    debug_assert!(len <= View::MAX_INLINE_SIZE as usize);
    let u32_at = |i: usize| {
        u64::from(u32::from_le_bytes([
            bytes[i],
            bytes[i + 1],
            bytes[i + 2],
            bytes[i + 3],
        ]))
    };
    let data: u128 = if len >= 8 {
        let mut head = [0u8; 8];
        head.copy_from_slice(&bytes[..8]);
        // The last four bytes, shifted down past those already in `head`.
        let tail = u32_at(len - 4) >> ((12 - len) * 8);
        u128::from(u64::from_le_bytes(head)) | (u128::from(tail) << 64)
    } else if len >= 4 {
        let tail = u32_at(len - 4) >> ((8 - len) * 8);
        u128::from(u32_at(0) | (tail << 32))
    } else if len > 0 {
        let (first, mid, last) = (bytes[0], bytes[len / 2], bytes[len - 1]);
        u128::from(
            u32::from(first)
                | u32::from(mid) << (8 * (len / 2))
                | u32::from(last) << (8 * (len - 1)),
        )
    } else {
        0
    };
    View::from((len as u128) | (data << 32))
}

/// The bytes of `view` (of an array whose only buffer is `arena`).
fn view_bytes<'a>(view: &'a View, arena: &'a [u8]) -> &'a [u8] {
    match view.get_inlined_slice() {
        Some(bytes) => bytes,
        None => &arena[view.offset as usize..][..view.length as usize],
    }
}

impl StrCol {
    fn new(runs_only: bool, capacity: usize) -> Self {
        StrCol {
            runs_only,
            arena: Vec::new(),
            runs: Vec::new(),
            keys: Vec::with_capacity(capacity),
            validity: None,
            hasher: PlRandomState::default(),
        }
    }

    #[inline]
    fn push(&mut self, value: Option<&str>) {
        let Some(value) = value else {
            self.push_null();
            return;
        };
        if let Some(validity) = &mut self.validity {
            validity.push(true);
        }
        let bytes = value.as_bytes();
        // A value that fits in a view is its view (zero-padded), compared as one number; a
        // longer one is compared by length and first four bytes before its bytes.
        if bytes.len() <= View::MAX_INLINE_SIZE as usize {
            let view = inline_view(bytes);
            if self.runs.last().map(|last| last.as_u128()) != Some(view.as_u128()) {
                self.runs.push(view);
            }
        } else {
            self.push_long(bytes);
        }
        let run = self.runs.len() - 1;
        self.keys.push(u32::try_from(run).unwrap_or(u32::MAX));
    }

    /// Starts a new run with `bytes` (longer than a view holds inline) unless the last run has
    /// them.
    #[inline(never)]
    fn push_long(&mut self, bytes: &[u8]) {
        let same = self.runs.last().is_some_and(|last| {
            last.length as usize == bytes.len()
                && last.prefix.to_le_bytes() == bytes[..4]
                && view_bytes(last, &self.arena) == bytes
        });
        if !same {
            let offset = u32::try_from(self.arena.len()).unwrap_or(u32::MAX);
            self.runs.push(View::new_from_bytes(bytes, 0, offset));
            self.arena.extend_from_slice(bytes);
        }
    }

    /// Makes room for `target` rows, extrapolated from the `rows` rows buffered so far.
    fn reserve_like(&mut self, rows: usize, target: usize) {
        reserve_like(&mut self.keys, rows, target, usize::MAX);
        reserve_like(&mut self.runs, rows, target, usize::MAX);
        // Never room for more bytes than a chunk holds.
        reserve_like(&mut self.arena, rows, target, ARENA_LIMIT);
    }

    /// Appends a null row.
    #[inline(never)]
    fn push_null(&mut self) {
        let (len, cap) = (self.keys.len(), self.keys.capacity());
        push_validity(&mut self.validity, len, cap, false);
        self.keys.push(0);
    }

    /// Merges the runs into dictionary entries (`entries`, and `remap` from run to entry),
    /// unless they come to more than `limit`. Returns whether they did not.
    fn merge_runs(&self, scratch: &mut Scratch, limit: usize) -> bool {
        let StrCol {
            arena,
            runs,
            hasher,
            ..
        } = self;
        let Scratch {
            table,
            remap,
            entries,
            ..
        } = scratch;
        let slots = (runs.len() * 2).next_power_of_two().max(16);
        table.clear();
        table.resize(slots, (0, 0));
        entries.clear();
        entries.reserve(runs.len().min(limit.saturating_add(1)));
        remap.clear();
        remap.reserve(runs.len());
        let mask = slots - 1;
        for run in runs.iter() {
            // A short value is its view, hashed and compared as one number; a longer one is
            // hashed by its bytes, and compared by them only where the hashes' tags agree.
            let inline = run.length <= View::MAX_INLINE_SIZE;
            let hash = if inline {
                hasher.hash_one(run.as_u128())
            } else {
                hasher.hash_one(view_bytes(run, arena))
            };
            let tag = (hash >> 32) as u32;
            let mut slot = hash as usize & mask;
            let entry = loop {
                let (e, t) = table[slot];
                if e == 0 {
                    let entry = u32::try_from(entries.len()).unwrap_or(u32::MAX);
                    table[slot] = (entry.saturating_add(1), tag);
                    entries.push(*run);
                    break entry;
                }
                if t == tag {
                    let candidate = &entries[e as usize - 1];
                    let equal = if inline {
                        candidate.as_u128() == run.as_u128()
                    } else {
                        candidate.length == run.length
                            && candidate.prefix == run.prefix
                            && view_bytes(candidate, arena) == view_bytes(run, arena)
                    };
                    if equal {
                        break e - 1;
                    }
                }
                slot = (slot + 1) & mask;
            };
            remap.push(entry);
            if entries.len() > limit {
                return false;
            }
        }
        true
    }

    /// The chunk's column: the dictionary-encoded array, or the plain one when its values are
    /// mostly distinct. Empties the column.
    fn take(&mut self, rows: usize, scratch: &mut Scratch) -> PolarsResult<ChunkColumn> {
        let limit = if rows > PLAIN_MIN_ROWS {
            (rows as f64 * PLAIN_SHARE) as usize
        } else {
            usize::MAX
        };
        let dictionary = if self.runs_only {
            self.runs.len() <= limit
        } else {
            self.merge_runs(scratch, limit)
        };
        if dictionary && !self.runs_only && !self.runs.is_empty() {
            let remap = &scratch.remap[..];
            for key in &mut self.keys {
                *key = remap[*key as usize];
            }
        }
        let arena = PBuffer::from(std::mem::take(&mut self.arena));
        let runs = PBuffer::from(std::mem::take(&mut self.runs));
        let keys = PBuffer::from(std::mem::take(&mut self.keys));
        let validity = self.validity.take().map(Bitmap::from);
        let buffers: PBuffer<PBuffer<u8>> = vec![arena.clone()].into();
        if !dictionary {
            let mut row_views = std::mem::take(&mut scratch.rows);
            row_views.clear();
            fill_row_views(&mut row_views, &runs, &keys, validity.as_ref());
            let row_views = PBuffer::from(row_views);
            let array = BinaryViewArray::try_new(
                ArrowDataType::BinaryView,
                row_views.clone(),
                buffers,
                validity,
            )?;
            return Ok(ChunkColumn {
                array: array.boxed(),
                encoding: Some(Encoding::Plain),
                storage: Storage::Str {
                    arena,
                    runs,
                    keys,
                    entries: None,
                    rows: Some(row_views),
                },
            });
        }
        let (values, entries) = if self.runs_only {
            (runs.clone(), None)
        } else {
            let entries = PBuffer::from(std::mem::take(&mut scratch.entries));
            (entries.clone(), Some(entries))
        };
        let values = BinaryViewArray::try_new(ArrowDataType::BinaryView, values, buffers, None)?;
        let keys_array = PrimitiveArray::<u32>::new(ArrowDataType::UInt32, keys.clone(), validity);
        let dtype = ArrowDataType::Dictionary(
            IntegerType::UInt32,
            Box::new(ArrowDataType::BinaryView),
            false,
        );
        let array = DictionaryArray::try_new(dtype, keys_array, values.boxed())?;
        Ok(ChunkColumn {
            array: array.boxed(),
            encoding: Some(Encoding::RleDictionary),
            storage: Storage::Str {
                arena,
                runs,
                keys,
                entries,
                rows: None,
            },
        })
    }

    /// Takes back the buffers of a written chunk's column.
    fn recycle(&mut self, storage: Storage, scratch: &mut Scratch) {
        if let Storage::Str {
            arena,
            runs,
            keys,
            entries,
            rows,
        } = storage
        {
            self.arena = reclaim(arena);
            self.runs = reclaim(runs);
            self.keys = reclaim(keys);
            if let Some(entries) = entries {
                scratch.entries = reclaim(entries);
            }
            if let Some(rows) = rows {
                scratch.rows = reclaim(rows);
            }
        }
    }

    /// The column's rows as a string array (a copy).
    fn row_array(&self) -> PolarsResult<Box<dyn Array>> {
        let mut out = MutableBinaryViewArray::<str>::with_capacity(self.keys.len());
        for (i, &key) in self.keys.iter().enumerate() {
            if self.validity.as_ref().is_some_and(|v| !v.get(i)) {
                out.push_null();
                continue;
            }
            let bytes = view_bytes(&self.runs[key as usize], &self.arena);
            let value = std::str::from_utf8(bytes)
                .map_err(|e| polars_err!(ComputeError: "a string cell is not UTF-8: {e}"))?;
            out.push_value(value);
        }
        Ok(out.freeze().boxed())
    }
}

/// The view of each row, from the entries and the rows' keys (a null row's view is empty).
fn fill_row_views(out: &mut Vec<View>, entries: &[View], keys: &[u32], validity: Option<&Bitmap>) {
    out.reserve(keys.len());
    match validity {
        None => out.extend(keys.iter().map(|&k| entries[k as usize])),
        Some(validity) => out.extend(keys.iter().zip(validity.iter()).map(|(&k, valid)| {
            if valid {
                entries[k as usize]
            } else {
                View::default()
            }
        })),
    }
}

/// Reserves room in `v` for what `target` rows need if its `rows` rows so far are typical, with
/// a quarter more to spare (at most `limit`), unless it already has that room.
fn reserve_like<T>(v: &mut Vec<T>, rows: usize, target: usize, limit: usize) {
    if rows == 0 || target <= rows {
        return;
    }
    let want = v.len().saturating_mul(target) / rows;
    let want = want.saturating_add(want / 4).min(limit);
    if want > v.capacity() {
        v.reserve_exact(want - v.len());
    }
}

/// The vector behind a buffer no array shares any more, emptied; a new one if it is still shared.
fn reclaim<T: Clone>(buffer: PBuffer<T>) -> Vec<T> {
    match buffer.into_mut().right() {
        Some(mut v) => {
            v.clear();
            v
        }
        None => Vec::new(),
    }
}

/// A number column of buffered rows.
struct PrimCol<T> {
    values: Vec<T>,
    /// Set from the first null row on, as polars' builders do.
    validity: Option<MutableBitmap>,
}

impl<T: NativeType> PrimCol<T> {
    fn new(capacity: usize) -> Self {
        PrimCol {
            values: Vec::with_capacity(capacity),
            validity: None,
        }
    }

    #[inline]
    fn push(&mut self, value: Option<T>) {
        let (len, cap) = (self.values.len(), self.values.capacity());
        push_validity(&mut self.validity, len, cap, value.is_some());
        self.values.push(value.unwrap_or_default());
    }

    fn reserve_like(&mut self, rows: usize, target: usize) {
        reserve_like(&mut self.values, rows, target, usize::MAX);
    }

    fn row_array(&self) -> PrimitiveArray<T> {
        PrimitiveArray::new(
            T::PRIMITIVE.into(),
            self.values.clone().into(),
            self.validity.clone().map(Bitmap::from),
        )
    }

    fn take(&mut self) -> (PrimitiveArray<T>, PBuffer<T>) {
        let values = PBuffer::from(std::mem::take(&mut self.values));
        let validity = self.validity.take().map(Bitmap::from);
        let array = PrimitiveArray::new(T::PRIMITIVE.into(), values.clone(), validity);
        (array, values)
    }
}

/// Record whether the cell pushed at row `len` is valid. The bitmap is made at the first null
/// cell only (all earlier cells valid), with room for `capacity` rows.
#[inline]
fn push_validity(validity: &mut Option<MutableBitmap>, len: usize, capacity: usize, valid: bool) {
    match validity {
        Some(v) => v.push(valid),
        None if valid => {}
        None => *validity = Some(first_null(len, capacity)),
    }
}

/// The validity of `len` valid rows and a null one, with room for `capacity` rows.
#[inline(never)]
fn first_null(len: usize, capacity: usize) -> MutableBitmap {
    let mut v = MutableBitmap::with_capacity(capacity);
    v.extend_constant(len, true);
    v.push(false);
    v
}

/// A boolean column of buffered rows.
#[derive(Default)]
struct BoolCol {
    values: MutableBitmap,
    validity: Option<MutableBitmap>,
}

impl BoolCol {
    #[inline]
    fn push(&mut self, value: Option<bool>) {
        let (len, cap) = (self.values.len(), self.values.capacity());
        push_validity(&mut self.validity, len, cap, value.is_some());
        self.values.push(value.unwrap_or_default());
    }

    fn take(&mut self) -> BooleanArray {
        let values = Bitmap::from(std::mem::take(&mut self.values));
        let validity = self.validity.take().map(Bitmap::from);
        BooleanArray::new(ArrowDataType::Boolean, values, validity)
    }
}

/// One column of buffered rows, appended in place (no per-cell allocation).
enum ColBuf {
    Str(StrCol),
    Int(PrimCol<i64>),
    Float(PrimCol<f64>),
    Bool(BoolCol),
}

impl ColBuf {
    fn new(name: &str, kind: Kind, capacity: usize) -> Self {
        match kind {
            Kind::Str => ColBuf::Str(StrCol::new(name == RUNS_ONLY, capacity)),
            Kind::Int => ColBuf::Int(PrimCol::new(capacity)),
            Kind::Float => ColBuf::Float(PrimCol::new(capacity)),
            Kind::Bool => ColBuf::Bool(BoolCol::default()),
        }
    }

    /// Appends one cell. Returns whether the column now holds so many bytes that its rows must
    /// be written ([`ARENA_LIMIT`]).
    fn push(&mut self, cell: Option<&Cell<'_>>) -> bool {
        match (self, cell) {
            (ColBuf::Str(v), Some(Cell::Str(x))) => {
                v.push(*x);
                return v.arena.len() >= ARENA_LIMIT;
            }
            (ColBuf::Int(v), Some(Cell::Int(x))) => v.push(*x),
            (ColBuf::Float(v), Some(Cell::Float(x))) => v.push(*x),
            (ColBuf::Bool(v), Some(Cell::Bool(x))) => v.push(*x),
            (col, _) => {
                debug_assert!(false, "cell type mismatch");
                match col {
                    ColBuf::Str(v) => v.push(None),
                    ColBuf::Int(v) => v.push(None),
                    ColBuf::Float(v) => v.push(None),
                    ColBuf::Bool(v) => v.push(None),
                }
            }
        }
        false
    }

    fn reserve_like(&mut self, rows: usize, target: usize) {
        match self {
            ColBuf::Str(v) => v.reserve_like(rows, target),
            ColBuf::Int(v) => v.reserve_like(rows, target),
            ColBuf::Float(v) => v.reserve_like(rows, target),
            ColBuf::Bool(_) => {}
        }
    }

    fn take(&mut self, rows: usize, scratch: &mut Scratch) -> PolarsResult<ChunkColumn> {
        Ok(match self {
            ColBuf::Str(v) => v.take(rows, scratch)?,
            ColBuf::Int(v) => {
                let (array, values) = v.take();
                ChunkColumn {
                    array: array.boxed(),
                    encoding: None,
                    storage: Storage::Int(values),
                }
            }
            ColBuf::Float(v) => {
                let (array, values) = v.take();
                ChunkColumn {
                    array: array.boxed(),
                    encoding: None,
                    storage: Storage::Float(values),
                }
            }
            ColBuf::Bool(v) => ChunkColumn {
                array: v.take().boxed(),
                encoding: None,
                storage: Storage::None,
            },
        })
    }

    fn recycle(&mut self, storage: Storage, scratch: &mut Scratch) {
        match (self, storage) {
            (ColBuf::Str(v), storage) => v.recycle(storage, scratch),
            (ColBuf::Int(v), Storage::Int(values)) => v.values = reclaim(values),
            (ColBuf::Float(v), Storage::Float(values)) => v.values = reclaim(values),
            _ => {}
        }
    }

    /// The column's rows as polars reads them (a copy).
    fn row_array(&self) -> PolarsResult<Box<dyn Array>> {
        Ok(match self {
            ColBuf::Str(v) => v.row_array()?,
            ColBuf::Int(v) => v.row_array().boxed(),
            ColBuf::Float(v) => v.row_array().boxed(),
            ColBuf::Bool(v) => BooleanArray::new(
                ArrowDataType::Boolean,
                Bitmap::from(v.values.clone()),
                v.validity.clone().map(Bitmap::from),
            )
            .boxed(),
        })
    }
}

/// The buffers behind a chunk's column, for its table's [`Buffer`] to take back.
enum Storage {
    Str {
        arena: PBuffer<u8>,
        runs: PBuffer<View>,
        /// Once the runs are merged into a dictionary, the entries of each row.
        keys: PBuffer<u32>,
        /// The dictionary entries, when runs are merged.
        entries: Option<PBuffer<View>>,
        /// The row views, when the column is written plain.
        rows: Option<PBuffer<View>>,
    },
    Int(PBuffer<i64>),
    Float(PBuffer<f64>),
    None,
}

/// One column of a chunk of a table's rows, ready to be written. Its arrays share the buffers
/// of the table's [`Buffer`], which takes them back once the column is written.
pub(crate) struct ChunkColumn {
    /// The column's rows: for a string column, a dictionary array, or a binary view array of
    /// the rows when it is written plain.
    pub array: Box<dyn Array>,
    /// How a string column is written; `None` for other columns, written with polars' encoding
    /// for their type.
    pub encoding: Option<Encoding>,
    storage: Storage,
}

/// Column-wise buffer of one table's rows that have not been written yet.
pub(crate) struct Buffer {
    pub def: &'static TableDef,
    cols: Vec<ColBuf>,
    rows: usize,
    /// Whether a string column holds so many bytes that the rows must be written now.
    full: bool,
    /// The rows a chunk is expected to hold, which the columns reserve room for once they hold
    /// [`RESERVE_AT`] rows (see [`Buffer::expect_rows`]).
    expected_rows: usize,
}

/// The rows after which a buffer's columns reserve room for a whole chunk, by their bytes so
/// far: filled from empty by doubling, the first chunk's columns (the evidence sentences
/// above all) were copied over about once more on the way.
const RESERVE_AT: usize = 1024;

impl Buffer {
    /// An empty buffer that reserves room for `capacity` rows at first.
    pub fn new(def: &'static TableDef, capacity: usize) -> Self {
        Buffer {
            def,
            cols: def
                .columns
                .iter()
                .map(|(n, k)| ColBuf::new(n, *k, capacity))
                .collect(),
            rows: 0,
            full: false,
            expected_rows: 0,
        }
    }

    /// Sets the rows a chunk is expected to hold (see [`RESERVE_AT`]).
    pub fn expect_rows(&mut self, rows: usize) {
        self.expected_rows = rows;
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Whether a string column holds so many bytes that the rows must be written now.
    pub fn full(&self) -> bool {
        self.full
    }

    /// Appends one row. The row is built by this module against the table's own definition,
    /// so a length or type mismatch is a bug here; it is caught in debug builds, and a
    /// mismatched cell is stored as null rather than corrupting the columns.
    pub fn push(&mut self, row: &[Cell<'_>]) {
        debug_assert_eq!(
            row.len(),
            self.cols.len(),
            "row width for {}",
            self.def.name
        );
        let mut full = false;
        for (i, col) in self.cols.iter_mut().enumerate() {
            full |= col.push(row.get(i));
        }
        self.full |= full;
        self.rows += 1;
        if self.rows == RESERVE_AT {
            for col in &mut self.cols {
                col.reserve_like(RESERVE_AT, self.expected_rows);
            }
        }
    }

    /// The bytes the string columns have room for, kept from chunk to chunk.
    #[cfg(test)]
    pub fn arena_capacity(&self) -> usize {
        self.cols
            .iter()
            .map(|c| match c {
                ColBuf::Str(v) => v.arena.capacity(),
                _ => 0,
            })
            .sum()
    }

    /// The buffered rows as a DataFrame of `schema` (the table's), copied.
    pub fn frame(&self, schema: &Schema) -> PolarsResult<DataFrame> {
        let columns = self
            .cols
            .iter()
            .zip(schema.iter_names())
            .map(|(c, name)| Ok(Series::from_arrow(name.clone(), c.row_array()?)?.into_column()))
            .collect::<PolarsResult<Vec<Column>>>()?;
        DataFrame::new(self.rows, columns)
    }

    /// Passes the buffered rows to `write` as one chunk, a column at a time in the table's
    /// order, and empties the buffer. Each column's buffers come back once `write` returns, to
    /// be filled again. Returns the chunk's rows.
    pub fn write_chunk(
        &mut self,
        scratch: &mut Scratch,
        mut write: impl FnMut(&ChunkColumn) -> PolarsResult<()>,
    ) -> PolarsResult<usize> {
        let rows = std::mem::take(&mut self.rows);
        self.full = false;
        let mut result = Ok(rows);
        for col in &mut self.cols {
            // After an error the remaining columns are emptied all the same.
            let column = match col.take(rows, scratch) {
                Ok(column) => column,
                Err(e) => {
                    result = result.and(Err(e));
                    continue;
                }
            };
            if result.is_ok() {
                result = write(&column).map(|()| rows);
            }
            let ChunkColumn { array, storage, .. } = column;
            drop(array);
            col.recycle(storage, scratch);
        }
        result
    }
}

/// Receives each row an article contributes: the table's index in [`FACT_TABLES`] and the
/// row's cells in column order.
pub(crate) type Emit<'e> = dyn FnMut(usize, &[Cell<'_>]) -> PolarsResult<()> + 'e;

/// Passes the rows one article contributes to each fact table to `emit`, table by table in
/// [`FACT_TABLES`] order (mention tables in mention order).
pub(crate) fn article_rows(
    article: &Article,
    facts: &ArticleFacts,
    emit: &mut Emit<'_>,
) -> PolarsResult<()> {
    let (cluster_id, representative) = match &article.cluster {
        Some(c) => (c.id.as_str(), c.representative),
        None => (article.id.as_str(), true),
    };
    let cycle_labels: Vec<String> = facts.cycles.iter().map(|c| c.label()).collect();
    let primary = facts.primary_region.as_ref();
    let regions = RegionIndex::new(facts);

    let (published, published_precision, published_source) = match &article.published {
        Some(p) => (
            Some(p.date.iso()),
            Some(p.date.precision().as_str()),
            Some(published_source(p.source)),
        ),
        None => (None, None, None),
    };
    let cycles_joined = cycle_labels.join(";");
    let line = article.provenance.line.and_then(|l| i64::try_from(l).ok());
    emit(
        0,
        &[
            s(&article.id),
            s(&article.provenance.path),
            Cell::Int(line),
            s(outlet_kind(article.outlet.kind)),
            os(article.outlet.name.as_deref()),
            os(article.title.as_deref()),
            os(published.as_deref()),
            os(published_precision),
            os(published_source),
            os(primary.map(|r| &*r.code)),
            os(primary.map(|r| &*r.name)),
            os(primary.map(|r| &*r.province_code)),
            os(primary.map(|r| &*r.province_name)),
            s(&cycles_joined),
            s(cluster_id),
            b(representative),
            int(article.paragraphs.len()),
            int(article.removed.len()),
        ],
    )?;

    let article_cycle_labels: Vec<&str> = if cycle_labels.is_empty() {
        vec![""]
    } else {
        cycle_labels.iter().map(String::as_str).collect()
    };
    for label in article_cycle_labels {
        emit(
            1,
            &[
                s(&article.id),
                s(cluster_id),
                b(representative),
                os(primary.map(|r| &*r.province_code)),
                os(primary.map(|r| &*r.province_name)),
                s(label),
            ],
        )?;
    }

    // The span columns every mention table starts with, and the two it ends with.
    macro_rules! mention_row {
        ($m:expr, [$($cell:expr),* $(,)?]) => {
            [
                s(&article.id),
                int($m.span.paragraph),
                int($m.span.start),
                int($m.span.end),
                s(&$m.text),
                $($cell,)*
                s(&$m.evidence),
                s(&$m.rule),
            ]
        };
    }

    for m in &facts.mentions {
        match &m.value {
            MentionValue::Official(o) => {
                let code = o.region_code.as_deref();
                let region_name = code.and_then(|c| regions.name(c));
                let province = code.map(province_of);
                let row = mention_row!(
                    m,
                    [
                        os(o.modifier.map(|m| m.as_str())),
                        s(&o.title),
                        os(o.body.as_deref()),
                        os(code),
                        os(region_name),
                        os(province),
                        os(o.name.as_deref()),
                        oint(o.person),
                    ]
                );
                emit(2, &row)?;
            }
            MentionValue::Region(r) => {
                let row = mention_row!(
                    m,
                    [
                        s(&r.code),
                        s(&r.name),
                        s(r.level.as_str()),
                        s(&r.province_code),
                        s(&r.province_name),
                        s(region_role(r)),
                    ]
                );
                emit(3, &row)?;
            }
            MentionValue::Date(d) => {
                let row = mention_row!(
                    m,
                    [
                        s(&d.iso),
                        s(d.precision.as_str()),
                        s(date_anchor(d.anchor)),
                        b(d.weekday_conflict),
                        b(d.chrome),
                    ]
                );
                emit(4, &row)?;
            }
            MentionValue::Count(c) => {
                let row = mention_row!(
                    m,
                    [
                        Cell::Float(c.value),
                        b(c.approximate),
                        s(&c.noun),
                        s(c.role.as_str()),
                    ]
                );
                emit(5, &row)?;
            }
            MentionValue::LegalInstrument(l) => {
                let issued = l.issued.map(|d| d.iso());
                let row = mention_row!(
                    m,
                    [
                        s(&l.instrument_type),
                        os(l.number.as_deref()),
                        Cell::Int(l.year.map(i64::from)),
                        os(l.issuer.as_deref()),
                        os(l.subject.as_deref()),
                        os(issued.as_deref()),
                        int(l.instrument),
                    ]
                );
                emit(6, &row)?;
            }
            MentionValue::Activity(a) => {
                activity_row(
                    article,
                    facts,
                    m,
                    a,
                    cluster_id,
                    representative,
                    &regions,
                    &cycle_labels,
                    published.as_deref(),
                    emit,
                )?;
            }
            MentionValue::ElectionCycle(_) => {}
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn activity_row<'a>(
    article: &Article,
    facts: &'a ArticleFacts,
    m: &Mention,
    a: &'a Activity,
    cluster_id: &str,
    representative: bool,
    regions: &RegionIndex<'a>,
    cycle_labels: &[String],
    published: Option<&str>,
    emit: &mut Emit<'_>,
) -> PolarsResult<()> {
    // The activity's own region, else the article's primary region.
    let (code, name, level, province_code, province_name) = match a.region_code.as_deref() {
        Some(code) => {
            let (name, level, province_code, province_name) = regions.activity_region(code);
            (
                Some(code),
                name,
                Some(level),
                Some(province_code),
                province_name,
            )
        }
        None => match &facts.primary_region {
            Some(r) => (
                Some(&*r.code),
                Some(&*r.name),
                Some(r.level.as_str()),
                Some(&*r.province_code),
                Some(&*r.province_name),
            ),
            None => (None, None, None, None, None),
        },
    };
    // The activity's cycle, else the article's first; labels of the article's own cycles (a
    // label is its kind and year) and its publication date as the article row has them.
    let own_label;
    let cycle = match &a.cycle {
        Some(c) => match facts
            .cycles
            .iter()
            .position(|f| f.kind == c.kind && f.year == c.year)
        {
            Some(i) => cycle_labels[i].as_str(),
            None => {
                own_label = c.label();
                own_label.as_str()
            }
        },
        None => cycle_labels.first().map_or("", String::as_str),
    };
    let activity_date = a.date.as_ref().map(|d| d.iso());
    let (date, precision, date_source) = match (&a.date, &article.published) {
        (Some(d), _) => (
            activity_date.as_deref(),
            Some(d.precision()),
            Some("activity"),
        ),
        (None, Some(p)) => (published, Some(p.date.precision()), Some("published")),
        (None, None) => (None, None, None),
    };
    // `Name (Modifier Title)`, pushed piece by piece: `format!` costs several times as much on
    // every activity row.
    let official = a.person.and_then(|i| facts.persons.get(i)).map(|p| {
        let mut s = String::with_capacity(p.name.len() + p.title.len() + 16);
        s.push_str(&p.name);
        s.push_str(" (");
        if let Some(m) = p.modifier {
            s.push_str(m.as_str());
            s.push(' ');
        }
        s.push_str(&p.title);
        s.push(')');
        s
    });
    emit(
        7,
        &[
            s(&article.id),
            s(cluster_id),
            b(representative),
            int(m.span.paragraph),
            int(m.span.start),
            int(m.span.end),
            s(a.activity_type.as_str()),
            os(code),
            os(name),
            os(level),
            os(province_code),
            os(province_name),
            s(cycle),
            os(date),
            os(precision.map(Precision::as_str)),
            os(date_source),
            Cell::Float(a.count),
            os(a.count_role.map(|r| r.as_str())),
            os(official.as_deref()),
            s(&m.evidence),
            s(&m.rule),
        ],
    )
}

/// The regions an article names (its region mentions and primary region), by code.
///
/// Most codes are the gazetteer's, so the article's own regions are indexed only once a code
/// is not.
struct RegionIndex<'a> {
    facts: &'a ArticleFacts,
    /// By code, and the province names by province code; made at the first code the
    /// gazetteer lacks.
    own: std::cell::OnceCell<OwnRegions<'a>>,
    /// The code [`RegionIndex::activity_region`] last looked up, and what it found.
    last_activity: std::cell::Cell<Option<(&'a str, ActivityRegion<'a>)>>,
}

/// The regions an article names by code, and their provinces' names by province code.
type OwnRegions<'a> = (
    PlHashMap<&'a str, &'a RegionRef>,
    PlHashMap<&'a str, &'a str>,
);

/// An activity region's name, level, province code and province name.
type ActivityRegion<'a> = (Option<&'a str>, &'static str, &'a str, Option<&'a str>);

impl<'a> RegionIndex<'a> {
    fn new(facts: &'a ArticleFacts) -> Self {
        RegionIndex {
            facts,
            own: std::cell::OnceCell::new(),
            last_activity: std::cell::Cell::new(None),
        }
    }

    /// The article's own regions by code, and their provinces' names (the first region of a
    /// code wins).
    fn own(&self) -> &OwnRegions<'a> {
        self.own.get_or_init(|| {
            let facts = self.facts;
            let mut by_code = PlHashMap::new();
            let mut province_names = PlHashMap::new();
            let refs = facts
                .primary_region
                .iter()
                .chain(facts.mentions.iter().filter_map(|m| match &m.value {
                    MentionValue::Region(r) => Some(r),
                    _ => None,
                }));
            for r in refs {
                by_code.entry(&*r.code).or_insert(r);
                province_names
                    .entry(&*r.province_code)
                    .or_insert(&*r.province_name);
            }
            (by_code, province_names)
        })
    }

    /// The name, level, province code and province name of the region with this code, as an
    /// activity row has them. The activities of an article mostly name one region after
    /// another, so the last code's answer is kept: each is three gazetteer lookups.
    fn activity_region(&self, code: &'a str) -> ActivityRegion<'a> {
        if let Some((last, found)) = self.last_activity.get() {
            if last == code {
                return found;
            }
        }
        let province_code = province_of(code);
        let found = (
            self.name(code),
            self.level(code),
            province_code,
            self.name(province_code),
        );
        self.last_activity.set(Some((code, found)));
        found
    }
    /// The official name of the region with this code: the gazetteer's, else the one the
    /// article gives. Every row of a run thus names a code the same way, which the aggregates
    /// rely on (they take any one of a code's names with `FIRST`).
    fn name(&self, code: &str) -> Option<&'a str> {
        if let Some(r) = warta_gazetteer::gazetteer().by_code(code) {
            return Some(r.name);
        }
        let (by_code, province_names) = self.own();
        match by_code.get(code) {
            Some(r) => Some(&*r.name),
            None => province_names.get(code).copied(),
        }
    }

    /// The level of the region with this code: the gazetteer's, else the article's, else what
    /// the code's shape suggests.
    fn level(&self, code: &str) -> &'static str {
        if let Some(r) = warta_gazetteer::gazetteer().by_code(code) {
            return r.level.as_str();
        }
        match self.own().0.get(code) {
            Some(r) => r.level.as_str(),
            None => level_of(code),
        }
    }
}

/// The province part of a Kemendagri code: `61.05` -> `61`.
fn province_of(code: &str) -> &str {
    code.split('.').next().unwrap_or(code)
}

/// The level a Kemendagri code shows: two parts are a regency or city (the code alone does
/// not tell which, so `regency` is a guess only used when the article never names the region).
fn level_of(code: &str) -> &'static str {
    if code.contains('.') {
        "regency"
    } else {
        "province"
    }
}

fn outlet_kind(k: OutletKind) -> &'static str {
    match k {
        OutletKind::Antara => "antara",
        OutletKind::Tribun => "tribun",
        OutletKind::GovernmentPress => "government_press",
        OutletKind::Other => "other",
    }
}

fn published_source(p: PublishedSource) -> &'static str {
    match p {
        PublishedSource::Metadata => "metadata",
        PublishedSource::Url => "url",
        PublishedSource::PageDate => "page_date",
        PublishedSource::TextDate => "text_date",
        PublishedSource::CopyrightYear => "copyright_year",
    }
}

fn region_role(r: &RegionRef) -> &'static str {
    match r.role {
        warta_core::RegionRole::Dateline => "dateline",
        warta_core::RegionRole::Subject => "subject",
        warta_core::RegionRole::Other => "other",
    }
}

fn date_anchor(a: warta_core::DateAnchor) -> &'static str {
    match a {
        warta_core::DateAnchor::Explicit => "explicit",
        warta_core::DateAnchor::Published => "published",
        warta_core::DateAnchor::ArticleYear => "article_year",
        warta_core::DateAnchor::None => "none",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static STRINGS: TableDef = TableDef {
        name: "strings",
        columns: &[("name", Str), ("evidence", Str)],
    };

    /// The arrays a buffer's chunk is written from, a copy of each.
    fn arrays(
        buffer: &mut Buffer,
        scratch: &mut Scratch,
    ) -> Vec<(Box<dyn Array>, Option<Encoding>)> {
        let mut out = Vec::new();
        buffer
            .write_chunk(scratch, |c| {
                out.push((c.array.sliced(0, c.array.len()), c.encoding));
                Ok(())
            })
            .unwrap();
        out
    }

    #[test]
    fn inline_views_are_polars_views() {
        let text = "abcdefghijkl\u{e9}";
        for end in 0..=View::MAX_INLINE_SIZE as usize {
            let bytes = &text.as_bytes()[..end];
            assert_eq!(inline_view(bytes), View::new_inline(bytes), "{end} bytes");
        }
    }

    #[test]
    fn dictionary_keys_follow_first_appearance() {
        let long = "a value longer than a view holds inline";
        let values = [Some("b"), Some(long), None, Some("b"), Some(long)];
        let mut buffer = Buffer::new(&STRINGS, 4);
        for v in values {
            buffer.push(&[Cell::Str(v), Cell::Str(v)]);
        }
        let want = DataFrame::new(
            5,
            vec![
                Column::new("name".into(), &values),
                Column::new("evidence".into(), &values),
            ],
        )
        .unwrap();
        assert!(buffer
            .frame(&STRINGS.schema())
            .unwrap()
            .equals_missing(&want));
        let mut scratch = Scratch::default();
        let mut checked = 0;
        buffer
            .write_chunk(&mut scratch, |c| {
                let dict = c
                    .array
                    .as_any()
                    .downcast_ref::<DictionaryArray<u32>>()
                    .unwrap();
                let keys: Vec<Option<u32>> = dict.keys().iter().map(|k| k.copied()).collect();
                if checked == 0 {
                    assert_eq!(dict.values().len(), 2);
                    assert_eq!(keys, [Some(0), Some(1), None, Some(0), Some(1)]);
                } else {
                    // By runs, `b` and the long value come back as new entries.
                    assert_eq!(dict.values().len(), 4);
                    assert_eq!(keys, [Some(0), Some(1), None, Some(2), Some(3)]);
                }
                checked += 1;
                Ok(())
            })
            .unwrap();
        assert_eq!(checked, 2);
        assert_eq!(buffer.rows(), 0);
        // The buffers come back with their room.
        let ColBuf::Str(col) = &buffer.cols[0] else {
            panic!("a string column")
        };
        assert!(col.arena.capacity() > 0 && col.keys.capacity() >= 5);
    }

    #[test]
    fn mostly_distinct_values_are_written_plain() {
        let values: Vec<String> = (0..200).map(|i| format!("value number {i}")).collect();
        let mut buffer = Buffer::new(&STRINGS, 4);
        for (i, v) in values.iter().enumerate() {
            let name = (i % 10 != 0).then_some(v.as_str());
            buffer.push(&[Cell::Str(name), Cell::Str(Some("same"))]);
        }
        let arrays = arrays(&mut buffer, &mut Scratch::default());
        assert_eq!(arrays[0].1, Some(Encoding::Plain));
        assert_eq!(arrays[1].1, Some(Encoding::RleDictionary));
        let plain = arrays[0]
            .0
            .as_any()
            .downcast_ref::<BinaryViewArray>()
            .unwrap();
        assert_eq!(plain.null_count(), 20);
        assert_eq!(plain.value(1), values[1].as_bytes());
    }
}
