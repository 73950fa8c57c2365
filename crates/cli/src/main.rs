//! The `warta` command-line tool.
fn main() {
    println!("warta: in progress");
}
