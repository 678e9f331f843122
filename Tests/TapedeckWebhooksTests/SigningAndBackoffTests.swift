import Foundation
import Testing
import TapedeckControl
@testable import TapedeckWebhooks

@Suite struct SigningAndBackoffTests {
    /// The vector was computed with Python's hmac module (an independent implementation).
    @Test func signatureIsHMACSHA256OfTimestampDotBody() {
        let hex = WebhookSignature.hex(secret: "0123456789abcdef-secret", timestamp: 1_700_000_000, body: #"{"id":"x"}"#)
        #expect(hex == "e83bb0935e7b1db314f673eb7e104265702860cb3dd80ea6e7a2f7cdc1cacd56")
        #expect(WebhookSignature.header(secret: "0123456789abcdef-secret", timestamp: 1_700_000_000, body: #"{"id":"x"}"#)
                == "t=1700000000,v1=" + hex)
    }

    @Test func backoffDoublesUpToItsCapWithJitterBetweenHalfAndAll() {
        let b = Backoff(baseSeconds: 2, capSeconds: 60)
        #expect(b.delay(afterAttempts: 1, jitter: 1) == 2)
        #expect(b.delay(afterAttempts: 2, jitter: 1) == 4)
        #expect(b.delay(afterAttempts: 5, jitter: 1) == 32)
        #expect(b.delay(afterAttempts: 6, jitter: 1) == 60)
        #expect(b.delay(afterAttempts: 500, jitter: 1) == 60)
        #expect(b.delay(afterAttempts: 3, jitter: 0) == 4)
        #expect(b.delay(afterAttempts: 3, jitter: 0.5) == 6)
    }

    @Test func aFailureIsRetriedUntilTheDeadlineThenDead() {
        let now = Date(timeIntervalSince1970: 1000)
        let b = Backoff(baseSeconds: 10, capSeconds: 100)
        #expect(DeliveryDecision.decide(.status(204), attempts: 1, now: now, deadline: now, backoff: b, jitter: 1) == .delivered)
        #expect(DeliveryDecision.decide(.status(500), attempts: 1, now: now, deadline: now.addingTimeInterval(10), backoff: b, jitter: 1)
                == .retry(at: now.addingTimeInterval(10), error: "HTTP 500"))
        #expect(DeliveryDecision.decide(.status(404), attempts: 2, now: now, deadline: now.addingTimeInterval(19), backoff: b, jitter: 1)
                == .dead(error: "HTTP 404"))
        #expect(DeliveryDecision.decide(.failed("Connection refused"), attempts: 1, now: now,
                                        deadline: now.addingTimeInterval(3600), backoff: b, jitter: 0)
                == .retry(at: now.addingTimeInterval(5), error: "Connection refused"))
        #expect(DeliveryDecision.decide(.status(302), attempts: 1, now: now, deadline: now, backoff: b, jitter: 0)
                == .dead(error: "HTTP 302"))
    }

    @Test func endpointsMatchEventNamesAndFamilies() {
        let e = WebhookEndpoint(name: "api", url: "http://x/", secret: "s", events: ["recording.*", "agent.login"])
        #expect(e.wants("recording.completed"))
        #expect(e.wants("recording.discarded"))
        #expect(e.wants("agent.login"))
        #expect(!e.wants("agent.logout"))
        #expect(!e.wants("station.down"))
        #expect(WebhookEndpoint(name: "all", url: "http://x/", secret: "s", events: ["*"]).wants("station.up"))
    }
}
