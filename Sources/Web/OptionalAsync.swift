extension Optional {
    /// The value transformed by an async function, or nil.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }

    /// The value, or what `make` gives when there is none.
    func asyncOrElse(_ make: () async throws -> Wrapped?) async rethrows -> Wrapped? {
        if let self { return self }
        return try await make()
    }
}
