// Traces: being written.
