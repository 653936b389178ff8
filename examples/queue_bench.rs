//! Native queue throughput: `queue_playground::queue::Queue` against `std::sync::mpsc` and
//! `crossbeam_channel`, measured in the same run, interleaved, and reported as ratios.
//!
//! ```sh
//! cargo run --release --example queue_bench            # a markdown table
//! cargo run --release --example queue_bench -- --json  # the same numbers for scripts/bench.sh
//! cargo run --release --example queue_bench -- --only Queue::new(0)  # variants whose name has this
//! ```
//!
//! Every variant moves the same `u64` items from P producer threads to C consumer threads. Each
//! consumer takes exactly its share, so no variant needs a sentinel or a shutdown. A run starts
//! when every thread has passed a barrier and ends when the last consumer has its share. After a
//! warm-up pass, the variants run round-robin (A, B, C, ..., A, B, C, ...) so that load from
//! other processes hits them all alike; the median of the repetitions is reported, with the
//! ratio to `std::sync::mpsc::channel` at the same P/C (higher is faster).
//!
//! `mpsc` receivers cannot be shared, so at C > 1 its consumers share one receiver behind a
//! `Mutex`: that is how std code does it, and the table says so.
//!
//! The shapes are 1/1, 2/2 and 4/4 producers/consumers, the threads view's. The
//! `threads::Shared` row is the very code each of that view's Web Workers runs
//! (`run_producer`/`run_consumer` on the locked `Queue`, every item checked for loss,
//! duplication and order), here on std threads: the native reference for the browser's number.

use crossbeam_channel as cb;
use queue_playground::queue::Queue;
use queue_playground::threads::{Scenario, Shared};
use std::hint::black_box;
use std::sync::mpsc;
use std::sync::{Arc, Barrier, Mutex};
use std::thread;
use std::time::Instant;

/// Items moved per run, whatever the thread counts.
const ITEMS: u64 = 400_000;
/// Measured repetitions per variant, after one warm-up pass.
const REPS: usize = 5;
/// The bounded variants' capacity.
const BOUND: usize = 1024;
/// The batch a draining consumer takes at most.
const BATCH: usize = 256;

/// How a consumer takes items: each call returns how many it took (at least one, at most
/// `max`) and adds their values to `sum`.
type Recv<R> = fn(&R, u64, &mut u64) -> u64;

/// Moves `ITEMS` items from `txs.len()` producers to `rxs.len()` consumers; returns seconds.
fn run<T: Send, R: Send>(txs: Vec<T>, rxs: Vec<R>, send: fn(&T, u64), recv: Recv<R>) -> f64 {
    let (p, c) = (txs.len() as u64, rxs.len() as u64);
    let per_producer = ITEMS / p;
    let per_consumer = ITEMS / c;
    assert_eq!(per_producer * p, ITEMS);
    assert_eq!(per_consumer * c, ITEMS);
    let barrier = Barrier::new((p + c + 1) as usize);
    let (secs, sum) = thread::scope(|s| {
        for (i, tx) in txs.into_iter().enumerate() {
            let barrier = &barrier;
            s.spawn(move || {
                barrier.wait();
                let base = i as u64 * per_producer;
                for n in 0..per_producer {
                    send(&tx, base + n);
                }
            });
        }
        let consumers: Vec<_> = rxs
            .into_iter()
            .map(|rx| {
                let barrier = &barrier;
                s.spawn(move || {
                    barrier.wait();
                    let (mut left, mut sum) = (per_consumer, 0u64);
                    while left > 0 {
                        left -= recv(&rx, left, &mut sum);
                    }
                    sum
                })
            })
            .collect();
        barrier.wait();
        let start = Instant::now();
        let sum: u64 = consumers.into_iter().map(|h| h.join().unwrap()).sum();
        (start.elapsed().as_secs_f64(), sum)
    });
    // Every item arrived exactly once (the values are 0..ITEMS).
    assert_eq!(sum, ITEMS * (ITEMS - 1) / 2, "items lost or duplicated");
    secs
}

fn queue_send(q: &Arc<Queue<u64>>, v: u64) {
    q.put(v).unwrap();
}
fn queue_get(q: &Arc<Queue<u64>>, _max: u64, sum: &mut u64) -> u64 {
    *sum += black_box(q.get().unwrap());
    1
}
/// A batch consumer: block for one item, then take whatever else is there, up to the batch.
fn queue_drain(q: &Arc<Queue<u64>>, max: u64, sum: &mut u64) -> u64 {
    *sum += q.get().unwrap();
    let more = (max - 1).min(BATCH as u64 - 1) as usize;
    let batch = q.drain(more);
    for v in &batch {
        *sum += black_box(*v);
    }
    1 + batch.len() as u64
}
fn mpsc_send(tx: &mpsc::Sender<u64>, v: u64) {
    tx.send(v).unwrap();
}
fn mpsc_sync_send(tx: &mpsc::SyncSender<u64>, v: u64) {
    tx.send(v).unwrap();
}
fn mpsc_recv(rx: &Arc<Mutex<mpsc::Receiver<u64>>>, _max: u64, sum: &mut u64) -> u64 {
    *sum += black_box(rx.lock().unwrap().recv().unwrap());
    1
}
fn cb_send(tx: &cb::Sender<u64>, v: u64) {
    tx.send(v).unwrap();
}
fn cb_recv(rx: &cb::Receiver<u64>, _max: u64, sum: &mut u64) -> u64 {
    *sum += black_box(rx.recv().unwrap());
    1
}

struct Variant {
    name: &'static str,
    run: fn(usize, usize) -> f64,
}

fn queue_variant(maxsize: usize, recv: Recv<Arc<Queue<u64>>>, p: usize, c: usize) -> f64 {
    let q = Arc::new(Queue::new(maxsize));
    run(vec![q.clone(); p], vec![q; c], queue_send, recv)
}

/// The threads view's own loops on std threads; timed from spawning to the last join (the
/// threads wait for each other at `Shared`'s start line, as `run`'s barrier does).
fn shared_variant(p: usize, c: usize) -> f64 {
    let shared = Shared::new(Scenario {
        producers: p as u32,
        consumers: c as u32,
        items: ITEMS / p as u64,
        ..Scenario::default()
    });
    let start = Instant::now();
    thread::scope(|s| {
        for id in 0..p as u32 {
            let shared = &shared;
            s.spawn(move || shared.run_producer(id, &mut || 0.0).unwrap());
        }
        for id in 0..c as u32 {
            let shared = &shared;
            s.spawn(move || shared.run_consumer(id, &mut || 0.0).unwrap());
        }
    });
    let secs = start.elapsed().as_secs_f64();
    let stats = shared.stats();
    assert!(stats.settled && stats.conserved(), "{stats:?}");
    assert_eq!(
        (stats.consumed, stats.lost, stats.duplicated),
        (ITEMS, 0, 0)
    );
    secs
}

fn mpsc_receivers(rx: mpsc::Receiver<u64>, c: usize) -> Vec<Arc<Mutex<mpsc::Receiver<u64>>>> {
    // With one consumer the Mutex is never contended: an uncontended lock, as fair as it gets.
    let shared = Arc::new(Mutex::new(rx));
    vec![shared; c]
}

const VARIANTS: &[Variant] = &[
    Variant {
        name: "std::sync::mpsc::channel (baseline)",
        run: |p, c| {
            let (tx, rx) = mpsc::channel();
            run(vec![tx; p], mpsc_receivers(rx, c), mpsc_send, mpsc_recv)
        },
    },
    Variant {
        name: "std::sync::mpsc::sync_channel(1024)",
        run: |p, c| {
            let (tx, rx) = mpsc::sync_channel(BOUND);
            run(
                vec![tx; p],
                mpsc_receivers(rx, c),
                mpsc_sync_send,
                mpsc_recv,
            )
        },
    },
    Variant {
        name: "crossbeam_channel::unbounded",
        run: |p, c| {
            let (tx, rx) = cb::unbounded();
            run(vec![tx; p], vec![rx; c], cb_send, cb_recv)
        },
    },
    Variant {
        name: "crossbeam_channel::bounded(1024)",
        run: |p, c| {
            let (tx, rx) = cb::bounded(BOUND);
            run(vec![tx; p], vec![rx; c], cb_send, cb_recv)
        },
    },
    Variant {
        name: "Queue::new(0): put/get",
        run: |p, c| queue_variant(0, queue_get, p, c),
    },
    Variant {
        name: "Queue::new(1024): put/get",
        run: |p, c| queue_variant(BOUND, queue_get, p, c),
    },
    Variant {
        name: "Queue::new(0): put/get+drain(256)",
        run: |p, c| queue_variant(0, queue_drain, p, c),
    },
    Variant {
        name: "Queue::new(1024): put/get+drain(256)",
        run: |p, c| queue_variant(BOUND, queue_drain, p, c),
    },
    Variant {
        name: "threads::Shared (Queue::new(0) put/get + checker)",
        run: shared_variant,
    },
];

fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let json = args.iter().any(|a| a == "--json");
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1));
    let variants: Vec<&Variant> = VARIANTS
        .iter()
        .enumerate()
        // The baseline always runs: every ratio is to it.
        .filter(|(i, v)| *i == 0 || only.is_none_or(|o| v.name.contains(o.as_str())))
        .map(|(_, v)| v)
        .collect();
    let shapes = [(1usize, 1usize), (2, 2), (4, 4)];
    let mut rows = Vec::new();
    for &(p, c) in &shapes {
        // Warm-up: page in the code, grow the allocator's pools, wake the CPU governor.
        for v in &variants {
            (v.run)(p, c);
        }
        let mut secs = vec![Vec::new(); variants.len()];
        for rep in 0..REPS {
            // Rotate the starting variant so none always runs first (or right after another).
            for k in 0..variants.len() {
                let i = (k + rep) % variants.len();
                secs[i].push((variants[i].run)(p, c));
            }
        }
        let rates: Vec<(f64, f64, f64)> = secs
            .iter_mut()
            .map(|s| {
                let med = median(s);
                let lo = s.iter().cloned().fold(f64::INFINITY, f64::min);
                let hi = s.iter().cloned().fold(0.0, f64::max);
                (ITEMS as f64 / med, ITEMS as f64 / hi, ITEMS as f64 / lo)
            })
            .collect();
        let base = rates[0].0;
        for (v, (rate, slow, fast)) in variants.iter().zip(rates) {
            rows.push((p, c, v.name, rate, slow, fast, rate / base));
        }
    }
    if json {
        let items: Vec<String> = rows
            .iter()
            .map(|(p, c, name, rate, slow, fast, ratio)| {
                format!(
                    "{{\"producers\":{p},\"consumers\":{c},\"name\":\"{name}\",\"items_per_s\":{rate:.0},\"min_items_per_s\":{slow:.0},\"max_items_per_s\":{fast:.0},\"ratio\":{ratio:.4}}}"
                )
            })
            .collect();
        println!(
            "{{\"items\":{ITEMS},\"reps\":{REPS},\"rows\":[{}]}}",
            items.join(",")
        );
    } else {
        println!("{ITEMS} u64 items per run, median of {REPS} interleaved runs after a warm-up");
        println!("(at 2/2 and 4/4, mpsc's consumers share its receiver behind a Mutex)\n");
        println!("| P/C | channel | items/s (median) | range | ratio to mpsc::channel |");
        println!("| --- | --- | ---: | ---: | ---: |");
        for (p, c, name, rate, slow, fast, ratio) in rows {
            println!(
                "| {p}/{c} | {name} | {:.2} M | {:.2}–{:.2} M | {ratio:.2} |",
                rate / 1e6,
                slow / 1e6,
                fast / 1e6
            );
        }
    }
}
