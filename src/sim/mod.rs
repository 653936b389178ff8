//! The interleaving lab (issue 4): program model, schedulers, memory models, explorer.
