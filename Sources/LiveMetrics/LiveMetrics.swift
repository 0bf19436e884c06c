// LiveMetrics: a run's latencies as Prometheus metrics while it goes, pushed to a Pushgateway so a
// fleet's dashboard (docs/grafana-dashboard.json) shows every site's readers live.
//
// MARK: - Map of the module
//
//   LatencyBuckets     the histograms' explicit bucket bounds: 50 µs, then the R5 series to 10 s
//   RunMetrics         a run's iterations into swift-prometheus histograms and counters, with
//                      low-cardinality labels only (model, phase, APDU kind, mode, site, source)
//   MetricsTarget      what `--metrics` names (`pushgateway=URL`); OTLP is refused with the reason
//   PushgatewayClient  PUT of the text exposition to /metrics/job/readerbench/instance/<host>
//   MetricsPusher      a thread of its own that pushes every few seconds and once at the end, so a
//                      slow or absent Pushgateway never stalls a measurement
//   MetricsError       the module's errors
