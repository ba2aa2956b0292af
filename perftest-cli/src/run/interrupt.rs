//! Ctrl-C and SIGTERM as a value the waiting code can select on.

use tokio::sync::watch;

use crate::exit;

/// Set once on the first Ctrl-C or SIGTERM; a second one exits at once.
#[derive(Debug, Clone)]
pub struct Interrupt(watch::Receiver<bool>);

impl Interrupt {
    /// Listen for Ctrl-C (and SIGTERM on Unix) from now on: the handlers are registered before
    /// this returns.
    pub fn install() -> Self {
        let (tx, rx) = watch::channel(false);
        let mut signals = Signals::register();
        tokio::spawn(async move {
            signals.recv().await;
            let _ = tx.send(true);
            signals.recv().await;
            eprintln!("\ninterrupted again: exiting without cleaning up");
            std::process::exit(i32::from(exit::INTERRUPTED));
        });
        Self(rx)
    }

    pub fn fired(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves when the interrupt fires.
    pub async fn wait(&mut self) {
        let _ = self.0.wait_for(|v| *v).await;
    }
}

/// SIGINT and SIGTERM on Unix, Ctrl-C elsewhere.
struct Signals {
    #[cfg(unix)]
    int: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    fn register() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Self { int: signal(SignalKind::interrupt()).ok(), term: signal(SignalKind::terminate()).ok() }
        }
        #[cfg(not(unix))]
        Self {}
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        {
            async fn next(s: &mut Option<tokio::signal::unix::Signal>) {
                match s {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending().await,
                }
            }
            tokio::select! {
                _ = next(&mut self.int) => {}
                _ = next(&mut self.term) => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
