// Calibration: the host's own error bars, measured on the stack a run uses.
//
// A latency figure means little without what the machine adds to it: the round trip of a card
// that answers at once (the floor), what the stack adds while a card is busy for a known time,
// how closely a recorded trace replays, and how far two identical runs land apart (A/A). This
// module measures those and nothing else; `readerbench calibrate` prints and saves them, and
// every `run` embeds a short set taken at its start.
//
// MARK: - Map of the module
//
//   Calibrator           the measurements in order, into a Results.HostCalibration
//   CalibrationStack     where exchanges go: a vpcd slot through pcscd, or in-process
//   ClockProbe           clock resolution, smallest step, cost of a reading, wake-up lateness
//   KeepAwake            idle-priority spinner threads that keep CPUs out of their idle states
//   ReplayProbe          a trace served through vpcd at recorded timing, recorded vs replayed
