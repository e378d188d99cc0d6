import Foundation
import Testing
import TocsinApp
import TocsinCore

@Suite("Configuration")
struct AppConfigTests {
    @Test("the mail server is read from the environment, and a bad one is refused at start naming the variable")
    func smtp() throws {
        let config = try AppConfig.fromEnvironment(["TOCSIN_SMTP_URL": "smtp://relay:p%40ss@mail.example.com", "TOCSIN_SMTP_FROM": "tocsin@example.com"])
        #expect(config.smtp?.host == "mail.example.com")
        #expect(config.smtp?.port == 587)
        #expect(config.smtp?.password == "p@ss")
        #expect(try AppConfig.fromEnvironment([:]).smtp == nil)
        #expect(throws: DomainError.validation([FieldError("TOCSIN_SMTP_FROM", "must be the address pages are sent from, e.g. tocsin@example.com")])) {
            try AppConfig.fromEnvironment(["TOCSIN_SMTP_URL": "smtp://mail.example.com"])
        }
        #expect(throws: DomainError.validation([FieldError("TOCSIN_PORT", "must be a port number"),
                                                FieldError("TOCSIN_SMTP_URL", "must look like smtp://user:password@mail.example.com:587 (or smtps:// for TLS from the start)")])) {
            try AppConfig.fromEnvironment(["TOCSIN_PORT": "x", "TOCSIN_SMTP_URL": "mail.example.com", "TOCSIN_SMTP_FROM": "t@example.com"])
        }
        var flagged = AppConfig()
        #expect(throws: DomainError.self) { try flagged.configureSMTP(url: nil, from: "t@example.com", environment: [:]) }
        try flagged.configureSMTP(url: "smtps://mail.example.com", from: "t@example.com", environment: [:])
        #expect(flagged.smtp?.implicitTLS == true)
    }
}
