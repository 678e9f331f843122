import Foundation

extension Reply {
    /// The reply in `form`, ending with `\n` (text lookup results and metrics end
    /// with an extra empty line). Times are rendered in `timeZone`.
    public func rendered(_ form: ReplyForm, timeZone: TimeZone) -> String {
        switch form {
        case .text: textLines(timeZone: timeZone)
        case .json: jsonValue(timeZone: timeZone).rendered + "\n"
        }
    }
}
