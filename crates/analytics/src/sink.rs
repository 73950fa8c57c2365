//! [`TableSink`]: streams fact rows to Parquet and CSV in bounded chunks.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use polars::io::csv::write::BatchedWriter as CsvBatched;
use polars::io::parquet::write::BatchedWriter as ParquetBatched;
use polars::prelude::*;
use polars_parquet::parquet as pq;
use polars_parquet::write::{Encoding, FileWriter as ParquetFile, WriteOptions as ParquetOptions};
use warta_core::{Article, ArticleFacts};

use crate::sql::{aggregates_read, PROVINCE_CYCLE_SUMMARY};
use crate::stream::StreamedAggregates;
use crate::tables::{article_rows, Buffer, Scratch, FACT_TABLES};
use crate::{io_err, AnalyticsError, RunTables, TableInfo};

/// Rows a table buffers before they are written as one chunk (a row group of the table's
/// current Parquet part and a block of CSV lines), unless [`TableSink::with_chunk_rows`] sets
/// another bound.
pub const DEFAULT_CHUNK_ROWS: usize = 16_384;

/// Rows of the largest fact table the aggregates read in one partition, unless
/// [`TableSink::with_partition_rows`] sets another bound.
///
/// The sink cuts the run into partitions of whole articles at this many rows. Each
/// partition's rows of a table are one Parquet part of the table, closed at the cut, so the
/// writers' footer metadata stays bounded; `officials_by_region`, whose groups grow with the
/// corpus, holds one partition's groups at a time and writes them as a sorted run at the cut
/// (see `stream.rs`).
pub const DEFAULT_PARTITION_ROWS: usize = 100_000;

/// How the Parquet files a run leaves are compressed: polars' default, zstd at its default
/// level. Cheaper codecs buy little speed for much larger files (callgrind, a whole run on
/// 2,000 generated articles, against zstd's default): zstd level 1 runs 0.5% fewer
/// instructions for fact tables 12% larger, LZ4 6.3% fewer for 83% larger, Snappy 6.8% fewer
/// for twice the size. The compression costs what it does because of how many bytes it is
/// given, four fifths of them evidence sentences, not because of the codec.
fn output_compression() -> ParquetCompression {
    ParquetCompression::Zstd(None)
}

struct TableWriter {
    buffer: Buffer,
    schema: Schema,
    written: usize,
    /// The Parquet part being written and its path, opened by the first chunk after a cut.
    part: Option<(PathBuf, PartWriter)>,
    /// The part of each partition cut so far, in row order (none where the table has no rows
    /// in the partition). [`TableSink::finish`] joins them into one file.
    parts: Vec<Option<PathBuf>>,
    /// Where parts go.
    parts_dir: PathBuf,
    /// The table's CSV file, when fact tables are also written as CSV.
    csv: Option<CsvBatched<File>>,
    /// Whether the aggregates' SQL reads this table, so that its rows count towards a
    /// partition.
    aggregated: bool,
}

impl TableWriter {
    /// Rows pushed so far, written or buffered.
    fn total(&self) -> usize {
        self.written + self.buffer.rows()
    }

    fn flush(&mut self, scratch: &mut Scratch, zstd: &mut Zstd) -> PolarsResult<()> {
        if self.buffer.rows() == 0 {
            return Ok(());
        }
        if let Some(csv) = self.csv.as_mut() {
            csv.write_batch(&self.buffer.frame(&self.schema)?)?;
        }
        let part = match self.part.as_mut() {
            Some((_, part)) => part,
            None => {
                let name = self.buffer.def.name;
                let path = self
                    .parts_dir
                    .join(format!("{name}-{}.parquet", self.parts.len()));
                let file = File::create(&path).map_err(|e| PolarsError::IO {
                    error: Arc::new(e),
                    msg: Some(format!("cannot create {}", path.display()).into()),
                })?;
                // Chunks are encoded on the pushing thread: a 16k-row chunk gains little from
                // polars' thread pool, and buffers allocated on one thread and freed on another
                // kept ~60 MB more resident while rows streamed.
                let writer = PartWriter::new(file, &self.schema)?;
                &mut self.part.insert((path, writer)).1
            }
        };
        self.written += part.write(&mut self.buffer, scratch, zstd)?;
        Ok(())
    }

    /// Writes the buffered rows and closes the open part. A Parquet writer keeps every row
    /// group's and page's metadata until it writes the footer (about 70 bytes an article over
    /// the fact tables, so 70 MB at a million articles): closing parts as the run goes keeps
    /// that flat.
    fn cut(&mut self, scratch: &mut Scratch, zstd: &mut Zstd) -> PolarsResult<()> {
        self.flush(scratch, zstd)?;
        match self.part.take() {
            Some((path, part)) => {
                part.finish()?;
                self.parts.push(Some(path));
            }
            None => self.parts.push(None),
        }
        Ok(())
    }

    /// Joins the parts into `path`: their row groups one after another, each column's pages
    /// copied as they are (the parts are written with the joined file's encoding), so no row
    /// is decoded or encoded again. One part's bytes are held at a time.
    fn join_parts(&self, path: &Path) -> Result<(), AnalyticsError> {
        let file = File::create(path).map_err(|e| io_err(path, e))?;
        let arrow_schema = self.schema.to_arrow(CompatLevel::newest());
        let mut out = ParquetFile::try_new(
            std::io::BufWriter::new(file),
            arrow_schema,
            part_options(ZSTD),
        )?;
        for part in self.parts.iter().flatten() {
            let bytes = fs::read(part).map_err(|e| io_err(part, e))?;
            let limit = bytes.len();
            let bytes = polars_buffer::Buffer::from(bytes);
            let metadata = pq::read::read_metadata(&mut std::io::Cursor::new(bytes.clone()))
                .map_err(PolarsError::from)?;
            for group in &metadata.row_groups {
                let mut columns = Vec::with_capacity(group.n_columns());
                for column in group.parquet_columns() {
                    let pages = pq::read::get_page_iterator(
                        column,
                        std::io::Cursor::new(bytes.clone()),
                        Vec::new(),
                        limit,
                    )
                    .map_err(PolarsError::from)?;
                    columns.push(Ok(pq::write::DynStreamingIterator::new(CopiedPages {
                        pages,
                        current: None,
                    })));
                }
                let columns = pq::write::DynIter::new(columns.into_iter());
                out.write(group.num_rows() as u64, columns)?;
            }
        }
        out.end(None)?;
        let mut file = out.into_inner();
        std::io::Write::flush(&mut file).map_err(|e| io_err(path, e))?;
        Ok(())
    }
}

/// The compression of fact-table parts and of the joined files: zstd at its default level, as
/// [`output_compression`]. The join copies the parts' pages as they are, so the two agree.
const ZSTD: polars_parquet::write::CompressionOptions =
    polars_parquet::write::CompressionOptions::Zstd(None);

/// How fact-table parts and the joined files are written: polars' default statistics,
/// Parquet format 1, pages of polars' default size.
fn part_options(compression: polars_parquet::write::CompressionOptions) -> ParquetOptions {
    ParquetOptions {
        statistics: StatisticsOptions::default(),
        compression,
        version: polars_parquet::write::Version::V1,
        data_page_size: None,
    }
}

/// One Parquet part of a fact table, written a chunk (one row group) at a time on the calling
/// thread, a column at a time, encoded as polars' own writer encodes it except for string
/// columns, whose dictionaries the table's buffer builds (see [`Buffer::write_chunk`]).
///
/// The pages are compressed here, by the sink's one zstd context ([`Zstd`]), instead of by
/// polars, which sets up a new context for every page: a context's setup clears its match
/// tables (hundreds of kilobytes), more work than compressing most pages of a 16k-row chunk.
/// zstd gives the same bytes for a page either way.
struct PartWriter {
    file: ParquetFile<std::io::BufWriter<File>>,
    fields: Vec<pq::schema::types::ParquetType>,
    encodings: Vec<Vec<Encoding>>,
}

/// The zstd context the fact tables' pages are compressed with. The sink writes every table
/// on one thread at a time, so one context serves them all (each holds a few megabytes).
pub(crate) struct Zstd {
    ctx: zstd::bulk::Compressor<'static>,
    /// Where a page is compressed, room for the largest bound so far: a page's own buffer is
    /// then allocated at the size of its frame, not of the bound (about the page's raw size,
    /// up to a megabyte, mostly never touched, or touched only to fault its pages in).
    out: Vec<u8>,
}

/// A zstd context at zstd's default level (level 0), which polars uses for `Zstd(None)`.
fn new_zstd() -> std::io::Result<Zstd> {
    Ok(Zstd {
        ctx: zstd::bulk::Compressor::new(0)?,
        out: Vec::new(),
    })
}

impl PartWriter {
    fn new(file: File, schema: &Schema) -> PolarsResult<PartWriter> {
        let arrow_schema = schema.to_arrow(CompatLevel::newest());
        let encodings = arrow_schema
            .iter_values()
            .map(|field| polars_parquet::write::get_dtype_encoding(&field.dtype))
            .collect();
        let file = ParquetFile::try_new(
            std::io::BufWriter::new(file),
            arrow_schema,
            part_options(ZSTD),
        )?;
        let fields = file.parquet_schema().fields().to_vec();
        Ok(PartWriter {
            file,
            fields,
            encodings,
        })
    }

    /// Appends the rows of `buffer` as one row group, and empties it. Returns the rows.
    fn write(
        &mut self,
        buffer: &mut Buffer,
        scratch: &mut Scratch,
        zstd: &mut Zstd,
    ) -> PolarsResult<usize> {
        let plain = part_options(polars_parquet::write::CompressionOptions::Uncompressed);
        let mut columns: Vec<Vec<pq::page::CompressedPage>> = Vec::new();
        let mut fields = self.fields.iter().zip(&self.encodings);
        let rows = buffer.write_chunk(scratch, |column| {
            let (field, encoding) = fields
                .next()
                .ok_or_else(|| polars_err!(ComputeError: "more columns than the schema"))?;
            let encoding = match &column.encoding {
                Some(e) => std::slice::from_ref(e),
                None => encoding.as_slice(),
            };
            let encoded = polars_parquet::write::array_to_columns(
                &column.array,
                field.clone(),
                plain,
                encoding,
            )?;
            for pages in encoded {
                let mut out = Vec::new();
                for page in pages {
                    out.push(compress_page(zstd, page?)?);
                }
                columns.push(out);
            }
            Ok(())
        })?;
        if rows == 0 {
            return Ok(0);
        }
        let group = pq::write::DynIter::new(columns.iter().map(|pages| {
            Ok(pq::write::DynStreamingIterator::new(
                pq::fallible_streaming_iterator::convert(pages.iter().map(Ok)),
            ))
        }));
        self.file.write(rows as u64, group)?;
        Ok(rows)
    }

    /// Writes the footer and flushes the file.
    fn finish(mut self) -> PolarsResult<()> {
        self.file.end(None)?;
        let mut out = self.file.into_inner();
        std::io::Write::flush(&mut out)?;
        Ok(())
    }
}

/// `page` compressed with the zstd context `zstd_ctx`.
fn compress_page(
    zstd_ctx: &mut Zstd,
    page: pq::page::Page,
) -> PolarsResult<pq::page::CompressedPage> {
    use pq::page::{CompressedDataPage, CompressedDictPage, CompressedPage, DataPageHeader, Page};
    let zstd = pq::compression::Compression::Zstd;
    Ok(match page {
        Page::Data(page) => {
            let raw = page.buffer();
            // Format 2 pages keep their levels uncompressed in front of the values.
            let levels = match page.header() {
                DataPageHeader::V1(_) => 0,
                DataPageHeader::V2(h) => usize::try_from(
                    h.repetition_levels_byte_length + h.definition_levels_byte_length,
                )
                .unwrap_or(0)
                .min(raw.len()),
            };
            let mut buffer = raw[..levels].to_vec();
            zstd_into(zstd_ctx, &raw[levels..], &mut buffer)?;
            let num_rows = page.num_rows.unwrap_or(0);
            CompressedPage::Data(CompressedDataPage::new(
                page.header().clone(),
                pq::CowBuffer::Owned(buffer),
                zstd,
                raw.len(),
                page.descriptor.clone(),
                num_rows,
            ))
        }
        Page::Dict(page) => {
            let mut buffer = Vec::new();
            zstd_into(zstd_ctx, &page.buffer, &mut buffer)?;
            CompressedPage::Dict(CompressedDictPage::new(
                pq::CowBuffer::Owned(buffer),
                zstd,
                page.buffer.len(),
                page.num_values,
                page.is_sorted,
            ))
        }
    })
}

/// Appends the zstd frame of `raw` to `out`, compressed into the context's own buffer (its
/// spare room, not zeroed first) and copied.
fn zstd_into(zstd_ctx: &mut Zstd, raw: &[u8], out: &mut Vec<u8>) -> PolarsResult<()> {
    let frame = &mut zstd_ctx.out;
    frame.clear();
    frame.reserve(zstd::zstd_safe::compress_bound(raw.len()));
    zstd_ctx
        .ctx
        .compress_to_buffer(raw, frame)
        .map_err(|e| PolarsError::IO {
            error: Arc::new(e),
            msg: Some("zstd compression of a Parquet page failed".into()),
        })?;
    out.reserve_exact(frame.len());
    out.extend_from_slice(frame);
    Ok(())
}

/// A column chunk's pages as they are stored, for a writer that takes compressed pages.
struct CopiedPages {
    pages: pq::read::PageReader,
    current: Option<pq::page::CompressedPage>,
}

impl pq::FallibleStreamingIterator for CopiedPages {
    type Item = pq::page::CompressedPage;
    type Error = PolarsError;

    fn advance(&mut self) -> Result<(), PolarsError> {
        self.current = self.pages.next().transpose()?.map(|page| match page {
            // A page read from a file does not know its row count, which the writer needs
            // for the page index. Every fact-table column is flat (no lists or structs), so
            // a data page has one row per value, nulls included.
            pq::page::CompressedPage::Data(mut data) => {
                data.num_rows = Some(data.num_values());
                pq::page::CompressedPage::Data(data)
            }
            dict => dict,
        });
        Ok(())
    }

    fn get(&self) -> Option<&pq::page::CompressedPage> {
        self.current.as_ref()
    }
}

/// Streams the facts of a corpus to disk while it runs.
///
/// Each fact table buffers at most [`TableSink::chunk_rows`] rows; a full buffer is appended
/// to the table's current Parquet part (and to its CSV file with [`TableSink::with_fact_csv`]), a file that is closed at the end of
/// each partition (see [`DEFAULT_PARTITION_ROWS`]), so memory stays flat however many articles
/// pass through, Parquet footer metadata included. Everything is written into a hidden
/// `DIR/.tmp-*` directory. The aggregates are folded in as the rows are built; [`TableSink::finish`]
/// writes them while a second thread joins each table's parts into one Parquet file (a row
/// group per chunk), and only then moves each file into `DIR` with a rename,
/// so `DIR` never holds a half-written table. A sink dropped without
/// `finish` (or a `finish` that fails) removes its temporary directory and leaves `DIR` as it was.
pub struct TableSink {
    dir: PathBuf,
    tmp: PathBuf,
    chunk_rows: usize,
    partition_rows: usize,
    writers: Vec<TableWriter>,
    zstd: Zstd,
    /// Shared by the tables' buffers, which write one column at a time.
    scratch: Scratch,
    peak_buffered: usize,
    /// The first row of each table in each partition after the first.
    partition_starts: Vec<Vec<usize>>,
    /// The aggregates folded row by row as the rows are built.
    streamed: StreamedAggregates,
}

impl TableSink {
    /// Opens a sink that will write its tables into `dir` (created if missing).
    pub fn create(dir: &Path) -> Result<TableSink, AnalyticsError> {
        fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let tmp = dir.join(format!(".tmp-{}-{nanos}", std::process::id()));
        fs::create_dir(&tmp).map_err(|e| io_err(&tmp, e))?;
        let mut sink = TableSink {
            dir: dir.to_path_buf(),
            streamed: StreamedAggregates::new(tmp.join(".runs")),
            tmp,
            chunk_rows: DEFAULT_CHUNK_ROWS,
            partition_rows: DEFAULT_PARTITION_ROWS,
            writers: Vec::new(),
            zstd: new_zstd().map_err(|e| io_err(dir, e))?,
            scratch: Scratch::default(),
            peak_buffered: 0,
            partition_starts: Vec::new(),
        };
        let parts_dir = sink.tmp.join(".parts");
        fs::create_dir(&parts_dir).map_err(|e| io_err(&parts_dir, e))?;
        for def in FACT_TABLES {
            let schema = def.schema();
            let mut buffer = Buffer::new(def, 1024);
            buffer.expect_rows(sink.chunk_rows);
            sink.writers.push(TableWriter {
                buffer,
                aggregated: aggregates_read(def.name),
                written: 0,
                part: None,
                parts: Vec::new(),
                parts_dir: parts_dir.clone(),
                csv: None,
                schema,
            });
        }
        Ok(sink)
    }

    /// Also writes each fact table as CSV (`DIR/NAME.csv`) next to its Parquet file. The
    /// aggregates are always written as both.
    ///
    /// Off by default: at corpus scale the fact tables' CSV is about three times the size of
    /// the input text (every mention row repeats its evidence sentence, which Parquet's
    /// dictionary and zstd store once), and writing it took a large share of the table stage.
    /// Any table can be exported afterwards with [`query`](crate::query).
    pub fn with_fact_csv(mut self, on: bool) -> Result<TableSink, AnalyticsError> {
        for w in &mut self.writers {
            if !on {
                w.csv = None;
                continue;
            }
            if w.csv.is_some() {
                continue;
            }
            let path = self.tmp.join(format!("{}.csv", w.buffer.def.name));
            let file = File::create(&path).map_err(|e| io_err(&path, e))?;
            w.csv = Some(
                CsvWriter::new(file)
                    .include_header(true)
                    .n_threads(1)
                    .batched(&w.schema)?,
            );
        }
        Ok(self)
    }

    /// Sets how many rows each table buffers before writing a chunk (at least 1).
    pub fn with_chunk_rows(mut self, rows: usize) -> TableSink {
        self.chunk_rows = rows.max(1);
        for w in &mut self.writers {
            w.buffer.expect_rows(self.chunk_rows);
        }
        self
    }

    /// Sets how many rows of the largest fact table the aggregates read at once (at least 1);
    /// see [`DEFAULT_PARTITION_ROWS`]. The aggregates come out the same for any bound.
    pub fn with_partition_rows(mut self, rows: usize) -> TableSink {
        self.partition_rows = rows.max(1);
        self
    }

    /// The bound on buffered rows per table.
    pub fn chunk_rows(&self) -> usize {
        self.chunk_rows
    }

    /// Rows buffered now in the fullest table (never more than [`TableSink::chunk_rows`]).
    pub fn buffered_rows(&self) -> usize {
        self.writers
            .iter()
            .map(|w| w.buffer.rows())
            .max()
            .unwrap_or(0)
    }

    /// The most rows any one table has held in memory since the sink was created.
    pub fn peak_buffered_rows(&self) -> usize {
        self.peak_buffered
    }

    /// Adds one article and its facts.
    pub fn push(&mut self, article: &Article, facts: &ArticleFacts) -> Result<(), AnalyticsError> {
        let chunk_rows = self.chunk_rows;
        let writers = &mut self.writers;
        let zstd = &mut self.zstd;
        let scratch = &mut self.scratch;
        let peak = &mut self.peak_buffered;
        let streamed = &mut self.streamed;
        article_rows(article, facts, &mut |table, row| {
            streamed.row(table, row);
            let Some(writer) = writers.get_mut(table) else {
                return Ok(());
            };
            writer.buffer.push(row);
            *peak = (*peak).max(writer.buffer.rows());
            if writer.buffer.rows() >= chunk_rows || writer.buffer.full() {
                writer.flush(scratch, zstd)?;
            }
            Ok(())
        })?;
        self.streamed.end_article();
        // A partition ends after the article that fills one of its tables.
        let starts = self.partition_starts.last();
        let full = self.writers.iter().enumerate().any(|(i, w)| {
            w.aggregated && w.total() - starts.map_or(0, |s| s[i]) >= self.partition_rows
        });
        if full {
            for w in &mut self.writers {
                w.cut(&mut self.scratch, &mut self.zstd)?;
            }
            self.streamed.cut()?;
            let totals = self.writers.iter().map(TableWriter::total).collect();
            self.partition_starts.push(totals);
        }
        Ok(())
    }

    /// Writes the remaining rows and the aggregates (as Parquet and CSV), and moves every file
    /// into the output directory.
    pub fn finish(mut self) -> Result<RunTables, AnalyticsError> {
        for w in &mut self.writers {
            w.cut(&mut self.scratch, &mut self.zstd)?;
            if let Some(csv) = w.csv.as_mut() {
                csv.finish()?;
            }
            // The buffers kept their room for the next chunk; there is none. The aggregates
            // below hold their most memory, so they go now.
            w.buffer = Buffer::new(w.buffer.def, 0);
        }
        self.scratch = Scratch::default();
        let mut infos: Vec<TableInfo> = self
            .writers
            .iter()
            .map(|w| {
                let name = w.buffer.def.name.to_string();
                TableInfo::new(&self.dir, name, w.written, w.csv.is_some())
            })
            .collect();

        // The aggregates are written while another thread joins each table's parts into its
        // Parquet file: the two share no file they write.
        let mut out: Option<AggregateWriter> = None;
        let mut summary = None;
        let tmp = self.tmp.clone();
        let writers = &self.writers;
        let streamed = &mut self.streamed;
        let (joined, aggregated) = std::thread::scope(|s| {
            let joiner = s.spawn(|| -> Result<(), AnalyticsError> {
                for w in writers {
                    let name = w.buffer.def.name;
                    w.join_parts(&tmp.join(format!("{name}.parquet")))?;
                }
                Ok(())
            });
            let mut emit = |name, mut df: DataFrame, last| {
                let writer = match out.as_mut() {
                    Some(w) if w.name == name => w,
                    _ => out.insert(AggregateWriter::create(&tmp, name, df.schema())?),
                };
                writer.write(&mut df)?;
                if name == PROVINCE_CYCLE_SUMMARY {
                    match summary.as_mut() {
                        None => summary = Some(df),
                        Some(all) => {
                            all.vstack_mut_owned(df)?;
                        }
                    }
                }
                if last {
                    if let Some(w) = out.take() {
                        infos.push(w.finish(&self.dir)?);
                    }
                }
                Ok(())
            };
            let aggregated = streamed.finish(&mut emit);
            let joined = joiner.join().unwrap_or_else(|_| {
                Err(AnalyticsError::Io {
                    path: tmp.clone(),
                    source: std::io::Error::other("the thread joining the table parts panicked"),
                })
            });
            (joined, aggregated)
        });
        joined?;
        aggregated?;
        let _ = fs::remove_dir_all(self.tmp.join(".parts"));

        // Every file is complete in the temporary directory: move them into place. Each
        // rename is atomic, so a reader of DIR sees either the old file or the new one.
        for info in &infos {
            let parquet = Some((&info.parquet, "parquet"));
            let csv = info.csv.as_ref().map(|p| (p, "csv"));
            for (final_path, ext) in parquet.into_iter().chain(csv) {
                let from = self.tmp.join(format!("{}.{ext}", info.name));
                fs::rename(&from, final_path).map_err(|e| io_err(final_path, e))?;
            }
        }
        Ok(RunTables {
            dir: self.dir.clone(),
            tables: infos,
            summary: summary.unwrap_or_default(),
        })
    }
}

/// Writes one aggregate, chunk by chunk, as Parquet and CSV in the temporary directory.
struct AggregateWriter {
    name: &'static str,
    rows: usize,
    parquet: ParquetBatched<File>,
    csv: CsvBatched<File>,
}

impl AggregateWriter {
    fn create(tmp: &Path, name: &'static str, schema: &Schema) -> Result<Self, AnalyticsError> {
        let parquet_path = tmp.join(format!("{name}.parquet"));
        let csv_path = tmp.join(format!("{name}.csv"));
        let f = File::create(&parquet_path).map_err(|e| io_err(&parquet_path, e))?;
        let parquet = ParquetWriter::new(f)
            .with_compression(output_compression())
            .batched(schema)?;
        let f = File::create(&csv_path).map_err(|e| io_err(&csv_path, e))?;
        let csv = CsvWriter::new(f).include_header(true).batched(schema)?;
        Ok(AggregateWriter {
            name,
            rows: 0,
            parquet,
            csv,
        })
    }

    fn write(&mut self, df: &mut DataFrame) -> Result<(), AnalyticsError> {
        if df.height() == 0 {
            return Ok(());
        }
        // The Parquet writer needs the columns' chunks aligned.
        df.align_chunks_par();
        self.parquet.write_batch(df)?;
        self.csv.write_batch(df)?;
        self.rows += df.height();
        Ok(())
    }

    fn finish(mut self, dir: &Path) -> Result<TableInfo, AnalyticsError> {
        self.parquet.finish()?;
        self.csv.finish()?;
        Ok(TableInfo::new(dir, self.name.to_string(), self.rows, true))
    }
}

impl Drop for TableSink {
    fn drop(&mut self) {
        // Close the writers first so no handle keeps the directory busy.
        self.writers.clear();
        let _ = fs::remove_dir_all(&self.tmp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::tables::{Cell, Kind, TableDef};

    /// An evidence column in runs, a name column that repeats out of order, a column of
    /// distinct values, a column of nulls, and an integer column.
    static TABLE: TableDef = TableDef {
        name: "test",
        columns: &[
            ("evidence", Kind::Str),
            ("name", Kind::Str),
            ("article_id", Kind::Str),
            ("empty", Kind::Str),
            ("paragraph", Kind::Int),
        ],
    };

    /// The columns of [`TABLE`]'s 300 rows.
    #[allow(clippy::type_complexity)]
    fn values() -> (
        Vec<Option<String>>,
        Vec<Option<&'static str>>,
        Vec<String>,
        Vec<Option<&'static str>>,
        Vec<i64>,
    ) {
        let n = 300;
        let evidence: Vec<Option<String>> = (0..n)
            .map(|i| (i % 7 != 3).then(|| format!("Kalimat bukti yang panjang ke-{}.", i / 3)))
            .collect();
        let names: Vec<Option<&str>> = (0..n)
            .map(|i| match i % 4 {
                0 => Some("Bawaslu"),
                1 => None,
                2 => Some("KPU"),
                _ => Some("Bawaslu Kabupaten"),
            })
            .collect();
        let distinct: Vec<String> = (0..n).map(|i| format!("ID-{i:05}-artikel")).collect();
        let nulls: Vec<Option<&str>> = vec![None; n];
        let ints: Vec<i64> = (0..n as i64).collect();
        (evidence, names, distinct, nulls, ints)
    }

    /// The first `rows` rows of [`TABLE`] as a DataFrame.
    fn frame(rows: usize) -> DataFrame {
        let (evidence, names, distinct, nulls, ints) = values();
        DataFrame::new(
            rows,
            vec![
                Column::new("evidence".into(), &evidence[..rows]),
                Column::new("name".into(), &names[..rows]),
                Column::new("article_id".into(), &distinct[..rows]),
                Column::new("empty".into(), &nulls[..rows]),
                Column::new("paragraph".into(), &ints[..rows]),
            ],
        )
        .unwrap()
    }

    /// A buffer of [`TABLE`] holding its first `rows` rows.
    fn buffer(rows: usize) -> Buffer {
        let mut buffer = Buffer::new(&TABLE, 16);
        fill(&mut buffer, rows);
        buffer
    }

    /// Pushes the first `rows` rows of [`TABLE`].
    fn fill(buffer: &mut Buffer, rows: usize) {
        let (evidence, names, distinct, nulls, ints) = values();
        for i in 0..rows {
            buffer.push(&[
                Cell::Str(evidence[i].as_deref()),
                Cell::Str(names[i]),
                Cell::Str(Some(&distinct[i])),
                Cell::Str(nulls[i]),
                Cell::Int(Some(ints[i])),
            ]);
        }
    }

    /// Per column of the first row group: its name and whether it has a dictionary page.
    fn dictionary_pages(path: &Path) -> Vec<(String, bool)> {
        let mut file = File::open(path).unwrap();
        let meta = pq::read::read_metadata(&mut file).unwrap();
        meta.row_groups[0]
            .parquet_columns()
            .iter()
            .map(|c| {
                let name = c.descriptor().path_in_schema.join(".");
                (name, c.dictionary_page_offset().is_some())
            })
            .collect()
    }

    #[test]
    fn part_reads_back_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("part.parquet");
        let schema = TABLE.schema();
        let mut w = PartWriter::new(File::create(&path).unwrap(), &schema).unwrap();
        let mut zstd = new_zstd().unwrap();
        let mut scratch = Scratch::default();
        let mut b = buffer(300);
        assert!(b.frame(&schema).unwrap().equals_missing(&frame(300)));
        assert_eq!(w.write(&mut b, &mut scratch, &mut zstd).unwrap(), 300);
        w.write(&mut buffer(5), &mut scratch, &mut zstd).unwrap();
        w.finish().unwrap();
        let back = ParquetReader::new(File::open(&path).unwrap())
            .finish()
            .unwrap();
        let mut want = frame(300);
        want.vstack_mut(&frame(5)).unwrap();
        assert!(back.equals_missing(&want), "{back:?}\n{want:?}");

        let pages = dictionary_pages(&path);
        let dict = |name: &str| pages.iter().any(|(n, d)| n == name && *d);
        // Runs and repeats take a dictionary; a column of distinct values does not.
        assert!(dict("evidence"));
        assert!(dict("name"));
        assert!(!dict("article_id"));
    }

    /// Chunks written from buffers taken back hold their own rows only.
    #[test]
    fn recycled_buffers_fill_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("part.parquet");
        let schema = TABLE.schema();
        let mut w = PartWriter::new(File::create(&path).unwrap(), &schema).unwrap();
        let mut zstd = new_zstd().unwrap();
        let mut scratch = Scratch::default();
        let mut b = Buffer::new(&TABLE, 16);
        let mut want = frame(0);
        for rows in [300, 7, 200, 300] {
            fill(&mut b, rows);
            assert!(b.frame(&schema).unwrap().equals_missing(&frame(rows)));
            w.write(&mut b, &mut scratch, &mut zstd).unwrap();
            // Nothing written keeps a share of the buffers.
            assert!(b.arena_capacity() > 0);
            want.vstack_mut(&frame(rows)).unwrap();
        }
        w.finish().unwrap();
        let back = ParquetReader::new(File::open(&path).unwrap())
            .finish()
            .unwrap();
        assert!(back.equals_missing(&want));
    }
}
