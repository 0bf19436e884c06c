import Foundation

/// Where timing profiles come from: two built into the code (`instant`, `fixed-2ms`) and the
/// data files under `Sources/CardTiming/Profiles/`, one JSON file per profile, or any JSON file
/// a user names by path.
public enum TimingProfiles {
    /// Why a profile could not be loaded.
    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Every built-in profile, sorted by name.
    public static func builtIn() -> [TimingProfile] {
        var profiles: [TimingProfile] = [.instant, .fixed2ms]
        if let urls = Bundle.module.urls(forResourcesWithExtension: "json", subdirectory: "Profiles") {
            for case let url as URL in urls { if let profile = try? load(url) { profiles.append(profile) } }
        }
        return profiles.sorted { $0.name < $1.name }
    }

    /// A built-in profile by name, or a profile file by path.
    public static func named(_ nameOrPath: String) throws(LoadError) -> TimingProfile {
        if nameOrPath.hasSuffix(".json") || nameOrPath.contains("/") {
            do { return try load(URL(fileURLWithPath: nameOrPath)) } catch let error as LoadError { throw error } catch
            {
                throw LoadError(description: "cannot read timing profile \(nameOrPath): \(error.localizedDescription)")
            }
        }
        let all = builtIn()
        if let profile = all.first(where: { $0.name == nameOrPath }) { return profile }
        throw LoadError(
            description: "no timing profile named '\(nameOrPath)'; built in: \(all.map(\.name).joined(separator: ", "))"
        )
    }

    /// Reads and checks one profile file.
    public static func load(_ url: URL) throws -> TimingProfile {
        let data = try Data(contentsOf: url)
        let profile: TimingProfile
        do { profile = try JSONDecoder().decode(TimingProfile.self, from: data) } catch {
            throw LoadError(description: "\(url.lastPathComponent) is not a valid timing profile: \(error)")
        }
        if let problem = profile.validationProblem() {
            throw LoadError(description: "\(url.lastPathComponent): \(problem)")
        }
        return profile
    }
}
