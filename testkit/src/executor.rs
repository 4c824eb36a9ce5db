//! Just enough executor for tests of async code that needs no reactor: run
//! a future to its end on this thread, poll many together, and yield once.
//! No runtime: a store whose futures need one (tokio's blocking pool, say)
//! runs its tests inside it instead.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

/// Wakes the thread blocked in [`block_on`].
struct ThreadWaker(Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs `future` to completion on this thread (for stores whose futures
/// need no runtime, such as `Mutex<MemoryStore>`).
pub fn block_on<F: Future>(future: F) -> F::Output {
    block_on_counting(future).0
}

/// [`block_on`], also counting how many times the future was `Pending`
/// (how many times it really suspended).
pub fn block_on_counting<F: Future>(future: F) -> (F::Output, usize) {
    let mut future = std::pin::pin!(future);
    let waker = Waker::from(Arc::new(ThreadWaker(thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut pending = 0;
    loop {
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(output) => return (output, pending),
            Poll::Pending => {
                pending += 1;
                // Returns at once if the waker already unparked us.
                thread::park();
            }
        }
    }
}

/// `Pending` once (after scheduling its own wake-up), then `Ready`: lets
/// the other futures of a [`join_all`] run.
pub async fn yield_now() {
    struct YieldNow(bool);
    impl Future for YieldNow {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.0 {
                Poll::Ready(())
            } else {
                self.0 = true;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        }
    }
    YieldNow(false).await
}

/// Polls every future in turn until all are done, and returns their
/// outputs in order: many requests in flight at once within one task.
pub async fn join_all<F>(futures: Vec<F>) -> Vec<F::Output>
where
    F: Future,
    F::Output: Unpin,
{
    struct JoinAll<F: Future> {
        futures: Vec<Pin<Box<F>>>,
        outputs: Vec<Option<F::Output>>,
    }
    impl<F: Future> Future for JoinAll<F>
    where
        F::Output: Unpin,
    {
        type Output = Vec<F::Output>;
        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
            // Boxed futures are `Unpin`, so the state may be touched freely.
            let this = self.get_mut();
            let mut pending = false;
            for (future, output) in this.futures.iter_mut().zip(this.outputs.iter_mut()) {
                if output.is_none() {
                    match future.as_mut().poll(cx) {
                        Poll::Ready(value) => *output = Some(value),
                        Poll::Pending => pending = true,
                    }
                }
            }
            if pending {
                return Poll::Pending;
            }
            Poll::Ready(this.outputs.iter_mut().filter_map(Option::take).collect())
        }
    }
    let outputs = futures.iter().map(|_| None).collect();
    JoinAll {
        futures: futures.into_iter().map(Box::pin).collect(),
        outputs,
    }
    .await
}
