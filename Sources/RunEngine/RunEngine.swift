// RunEngine: runs the read path on one reader or a pool of them, and keeps every result.
//
// The executable parses options and prints; everything that measures lives here, so tests
// drive a whole run in-process and nothing here ends the process.
//
// MARK: - Map of the module
//
//   Plan/        RunPlan: what to run (scenario, modes, iterations or taps or a duration,
//                schedule, timeouts, failure allowance)
//   Readers/     ReaderEndpoint: how a worker reaches its card (a PC/SC reader, the simulated
//                card in-process, a replayed trace, any of them recorded as a trace)
//   Pool/        ReaderPool (one worker thread per reader, each with its own PC/SC context;
//                parallel, round-robin or sequential turns; hot-plug), ReaderWorker (the
//                iteration loop, reconnects, card waits, taps), Watchdog (abandons a worker
//                stuck in an exchange that cannot be interrupted, never the run)
//   Output/      ResultSink (the result file, CSV and summaries behind one lock), TraceSink,
//                RunObserver (progress and warnings for whoever prints them)
//   Selection/   CardSourceSelection (which readers or which simulated card a run measures),
//                RigLease (the private pcscd + vpcd rig a run started), Scripts
