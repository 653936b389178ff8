//! The interleaving lab's wasm exports (being written).
