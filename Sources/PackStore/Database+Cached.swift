import GRDB

extension Database {
    /// Runs a statement compiled once per connection: the commit path runs the same
    /// few statements thousands of times a second.
    func execute(cached sql: String, arguments: StatementArguments) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }

    func fetchInt(cached sql: String, arguments: StatementArguments) throws -> Int? {
        try Int.fetchOne(cachedStatement(sql: sql), arguments: arguments)
    }

    func fetchString(cached sql: String, arguments: StatementArguments) throws -> String? {
        try String.fetchOne(cachedStatement(sql: sql), arguments: arguments)
    }
}
