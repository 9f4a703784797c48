/// The version of Qorgau, as the health checks and `qorgau --version` give it (see CHANGELOG.md).
public enum QorgauVersion {
    public static let current = "0.9.0"
}
