/// One parsed request: what to do, and the form the reply must take.
public struct Request: Sendable, Hashable {
    public var form: ReplyForm
    public var command: Command

    public init(form: ReplyForm, command: Command) {
        self.form = form
        self.command = command
    }
}
