//! Offset/limit paging for the three list operations that page (`list_project_sets`,
//! `show_task_set`, `show_temp_set`). CPTS returns no total: like the official tooling, the next page
//! starts at `offset + limit` and an empty page ends the listing.

use futures_util::Stream;
use futures_util::stream::{self, TryStreamExt};

use crate::{Client, Error, types};

/// The default page size.
///
/// ```
/// assert_eq!(perftest_sdk::paging::DEFAULT_PAGE_SIZE, 50);
/// ```
pub const DEFAULT_PAGE_SIZE: i32 = 50;

/// Every CPTS project (test suite), page after page.
///
/// ```no_run
/// use futures::TryStreamExt;
/// # async fn demo(client: &perftest_sdk::Client) -> Result<(), perftest_sdk::Error> {
/// let all: Vec<_> = perftest_sdk::paging::projects(client, 20).try_collect().await?;
/// println!("{} projects", all.len());
/// # Ok(()) }
/// ```
pub fn projects(client: &Client, page_size: i32) -> impl Stream<Item = Result<types::ProjectsSet, Error>> + '_ {
    pages(page_size, move |offset, limit| async move {
        let page = client.list_project_sets().offset(offset).limit(limit).send().await?.into_inner();
        Ok(page.projects.unwrap_or_default())
    })
}

/// Every task of a CPTS project, page after page.
///
/// ```no_run
/// use futures::TryStreamExt;
/// # async fn demo(client: &perftest_sdk::Client) -> Result<(), perftest_sdk::Error> {
/// let mut tasks = std::pin::pin!(perftest_sdk::paging::tasks(client, 1001, 50));
/// while let Some(task) = tasks.try_next().await? {
///     println!("{:?}", task.name);
/// }
/// # Ok(()) }
/// ```
pub fn tasks(client: &Client, test_suite_id: i32, page_size: i32) -> impl Stream<Item = Result<types::Task, Error>> + '_ {
    pages(page_size, move |offset, limit| async move {
        let page =
            client.show_task_set().test_suite_id(test_suite_id).offset(offset).limit(limit).send().await?.into_inner();
        Ok(page.tasks.unwrap_or_default())
    })
}

/// Every transaction template of a CPTS project, page after page.
///
/// ```no_run
/// use futures::TryStreamExt;
/// # async fn demo(client: &perftest_sdk::Client) -> Result<(), perftest_sdk::Error> {
/// let names: Vec<_> = perftest_sdk::paging::templates(client, 1001, 50)
///     .map_ok(|t| t.name)
///     .try_collect()
///     .await?;
/// # Ok(()) }
/// ```
pub fn templates(
    client: &Client,
    test_suite_id: i32,
    page_size: i32,
) -> impl Stream<Item = Result<types::TempDetailInfo, Error>> + '_ {
    pages(page_size, move |offset, limit| async move {
        let page =
            client.show_temp_set().test_suite_id(test_suite_id).offset(offset).limit(limit).send().await?.into_inner();
        Ok(page.temps.unwrap_or_default())
    })
}

/// Drive `fetch(offset, limit)` until it returns an empty page, flattening the items. A page
/// size below 1 means [`DEFAULT_PAGE_SIZE`].
fn pages<T, F, Fut>(page_size: i32, fetch: F) -> impl Stream<Item = Result<T, Error>>
where
    F: Fn(i32, i32) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<T>, Error>>,
{
    let limit = if page_size < 1 { DEFAULT_PAGE_SIZE } else { page_size };
    stream::try_unfold((0i32, false, fetch), move |(offset, done, fetch)| async move {
        if done {
            return Ok::<_, Error>(None);
        }
        let items = fetch(offset, limit).await?;
        let done = items.is_empty();
        let page = stream::iter(items.into_iter().map(Ok::<T, Error>));
        Ok(Some((page, (offset.saturating_add(limit), done, fetch))))
    })
    .try_flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::TryStreamExt;
    use std::sync::Mutex;

    #[tokio::test]
    async fn walks_pages_until_an_empty_one() {
        let calls = Mutex::new(Vec::new());
        let data: Vec<i32> = (0..7).collect();
        let got: Vec<i32> = pages(3, |offset, limit| {
            calls.lock().unwrap().push((offset, limit));
            let page: Vec<i32> = data.iter().copied().skip(offset as usize).take(limit as usize).collect();
            async move { Ok(page) }
        })
        .try_collect()
        .await
        .unwrap();
        assert_eq!(got, data);
        assert_eq!(*calls.lock().unwrap(), vec![(0, 3), (3, 3), (6, 3), (9, 3)]);
    }

    #[tokio::test]
    async fn stops_at_the_first_error() {
        let got: Result<Vec<i32>, Error> =
            pages(0, |_, _| async { Err::<Vec<i32>, _>(Error::InvalidRequest("boom".into())) }).try_collect().await;
        assert!(matches!(got, Err(Error::InvalidRequest(m)) if m == "boom"));
    }
}
