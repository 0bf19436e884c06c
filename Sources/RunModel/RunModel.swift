// RunModel: the words a measured run is described in, shared by the engine that runs the read
// path (ReadPath, RunEngine) and the files that record it (Results, and whatever reads them).
//
// Each exists once: how an iteration starts (IterationMode), how the certificate is read
// (ReadStrategy), why an iteration failed (FailureCause) and why a reader or run stopped
// (StopReason). Their raw values are what result files hold, so a raw value never changes
// meaning; new cases get new raw values. Pure: no I/O, no dependencies.
