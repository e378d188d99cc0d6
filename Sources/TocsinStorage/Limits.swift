/// Counts of stored things that every event or question walks through, so none can grow without bound.
/// docs/limits.md lists them.
public enum Limits {
    public static let silencesInForce = 1000
    public static let maintenanceWindowsPerService = 100
    public static let overridesPerSchedule = 1000
    public static let tokensPerUser = 100
}
