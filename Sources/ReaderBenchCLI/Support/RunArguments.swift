import History
import RunComparison

/// The runs `compare` and `gate` read: result files, `run:N` ids of the history, or queries of
/// it (`model=usb:054c:0dc9@1.00,latest`), each as compare's series. A query may give several
/// runs.
enum RunArguments {
    /// The series documents of `arguments`, in order; the history is opened only when an
    /// argument needs it.
    static func documents(
        _ arguments: [String], database: HistoryDatabaseOption, scope: FleetScopeOptions
    ) throws(RunArgumentError) -> [SeriesDocument] {
        let resolved: [ResolvedRun]
        do {
            resolved = try RunReference.resolve(arguments, scope: scope.scope) {
                () throws(HistoryError) -> any HistoryStore in try database.openStore()
            }
        } catch {
            throw .history(error)
        }
        var documents: [SeriesDocument] = []
        for run in resolved {
            let document = SeriesDocument(resultFile: run.file, name: run.name)
            guard document.readers.contains(where: { !$0.series.isEmpty }) else {
                throw .comparison(
                    RunComparisonError(
                        .noSamples, path: run.name,
                        reason: "no measured, successful iteration: every iteration is a warmup or failed"))
            }
            documents.append(document)
        }
        return documents
    }
}

/// Why the runs of `compare` or `gate` could not be read.
enum RunArgumentError: Error, CustomStringConvertible {
    case history(HistoryError)
    case comparison(RunComparisonError)

    var description: String {
        switch self {
        case .history(let error): error.reason
        case .comparison(let error): "\(error)"
        }
    }
}
