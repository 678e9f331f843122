import Foundation
import Logging
import TapedeckConfig
import TapedeckEngine

extension Daemon {
    /// SIGHUP: reads the configuration file again and applies it. A file that does not
    /// load or validate is refused with one error line and the running configuration
    /// stays. Returns whether the new configuration was applied.
    @discardableResult
    public func reload(configurationAt path: String) -> Bool {
        let new: TapedeckConfiguration
        do {
            new = try TapedeckConfiguration.load(path: path)
        } catch {
            return refuse("\(error)")
        }
        return reload(to: new)
    }

    /// Applies a validated configuration while recordings run: stations and devices added,
    /// removed or changed (running recordings keep their audio until they end), and the
    /// recording defaults, templates, spool and server address for recordings started from
    /// now on. The control socket, the metrics listener and the database are kept until
    /// the next restart.
    @discardableResult
    public func reload(to new: TapedeckConfiguration) -> Bool {
        reloading.withLock { _ in
            let old = configuration
            var applied = new
            var restartOnly: [String] = []
            if new.control != old.control { restartOnly.append("control"); applied.control = old.control }
            if new.database != old.database || new.databaseMode != old.databaseMode {
                restartOnly.append("database")
                applied.database = old.database
                applied.databaseMode = old.databaseMode
            }
            if new.metrics != old.metrics { restartOnly.append("metrics"); applied.metrics = old.metrics }
            // A new spool is claimed like the first (created, locked, given its mode); the
            // old one stays locked, its recordings may still run.
            do throws(StartupError) {
                try SpoolFolder.claim(applied.spool, mode: mode_t(applied.spoolMode), lockMode: mode_t(applied.databaseMode),
                                      locks: locks)
            } catch {
                return refuse("\(error)")
            }
            let changes = engine.apply(Self.layout(applied, writeBehind: writeBehind))
            controller.update(settings: Self.settings(applied, timeZone: timeZone))
            webhooks.update(endpoints: Self.endpoints(applied, logger: logger), timeZone: timeZone)
            setConfiguration(applied)
            metrics.reloaded(applied: true)
            for key in restartOnly {
                logger.warning("reload: [\(key)] changed; it takes effect at the next restart (the running one is kept)")
            }
            var meta: Logger.Metadata = ["stations": "\(applied.stations.count)", "devices": "\(applied.devices.count)"]
            let lists: [(String, [String])] = [
                ("stations_added", changes.addedStations), ("stations_removed", changes.removedStations),
                ("stations_changed", changes.changedStations), ("devices_added", changes.addedDevices),
                ("devices_removed", changes.removedDevices), ("devices_changed", changes.changedDevices),
                ("waiting_for_recordings", changes.waiting),
            ]
            for (key, names) in lists where !names.isEmpty { meta[key] = "\(names.joined(separator: ","))" }
            logger.notice("configuration reloaded", metadata: meta)
            return true
        }
    }

    private func refuse(_ reason: String) -> Bool {
        metrics.reloaded(applied: false)
        logger.error("reload refused; the running configuration stays", metadata: ["error": "\(reason)"])
        return false
    }
}
