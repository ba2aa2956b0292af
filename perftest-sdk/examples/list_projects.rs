//! List every CPTS project, page after page (`perftest_sdk::paging`).
//!
//! ```text
//! cargo run -p perftest-sdk --example list_projects -- --region cn-north-4 [page_size]
//! ```

mod common;

use futures::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, args) = common::client_from_args()?;
    let page_size = args.first().map(|s| s.parse()).transpose()?.unwrap_or(20);
    let mut projects = std::pin::pin!(perftest_sdk::paging::projects(&client, page_size));
    let mut n = 0;
    while let Some(p) = projects.try_next().await? {
        n += 1;
        println!("{:>10}  {}", p.id.map_or("?".into(), |id| id.to_string()), p.name.unwrap_or_default());
    }
    println!("{n} project(s)");
    Ok(())
}
