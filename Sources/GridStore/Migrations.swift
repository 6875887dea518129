import GRDB

/// The schema of the SQLite grid database, as an append-only list of named migrations.
///
/// Rules for changing it: never edit or reorder a registered migration (databases in the field have
/// already run it); add a new one at the end with a new identifier. A database that has run a
/// migration this list does not know was made by a newer Kinfinder and is refused on open.
///
/// Storage conventions:
/// - Dates are stored the GRDB default way: TEXT `"yyyy-MM-dd HH:mm:ss.SSS"` in UTC (millisecond
///   precision, truncated). That text sorts like the dates, so `last_seen_at >= ?` with a bound
///   `Date` compares correctly. Never store dates any other way in these tables.
/// - Colour lists (`report.upper`, `report.lower`) are English colour names joined by commas, in the
///   family's order, e.g. `"blue,black"`; an empty list is `""`.
/// - Histograms (`track.upper_hist`, `track.lower_hist`) are 12 little-endian Float32, 48 bytes,
///   bin *i* being `ColourName(rawValue: i)`.
/// - Float measurements of a track may be NULL: SQLite stores NaN as NULL, and NULL reads back
///   as NaN (or as `nil` for `relative_height`).
enum GridSchema {
    /// Registered migration identifiers, oldest first.
    static let v1 = "v1-grid-cameras-reports-tracks-incidents"
    static let v2 = "v2-camera-status"
    static let v3 = "v3-locations-track-sequence"
    static let v4 = "v4-workers-dispatch-events"
    static let v5 = "v5-camera-leases"
    static let v6 = "v6-report-attributes"
    static let v7 = "v7-incident-list-indexes"
    static let v8 = "v8-report-list-index"
    static let v9 = "v9-camera-track-index"
    static let v10 = "v10-case-closure-post-phone"
    static let v11 = "v11-incident-images-report-photos"
    static let v12 = "v12-incident-kinds"
    static let all = [v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12]

    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration(v1) { db in
            try db.execute(sql: v1SQL)
        }
        migrator.registerMigration(v2) { db in
            try db.execute(sql: v2SQL)
        }
        migrator.registerMigration(v3) { db in
            try db.execute(sql: v3SQL)
        }
        migrator.registerMigration(v4) { db in
            try db.execute(sql: v4SQL)
        }
        migrator.registerMigration(v5) { db in
            try db.execute(sql: v5SQL)
        }
        migrator.registerMigration(v6) { db in
            try db.execute(sql: v6SQL)
        }
        migrator.registerMigration(v7) { db in
            try db.execute(sql: v7SQL)
        }
        migrator.registerMigration(v8) { db in
            try db.execute(sql: v8SQL)
        }
        migrator.registerMigration(v9) { db in
            try db.execute(sql: v9SQL)
        }
        migrator.registerMigration(v10) { db in
            try db.execute(sql: v10SQL)
        }
        migrator.registerMigration(v11) { db in
            try db.execute(sql: v11SQL)
        }
        migrator.registerMigration(v12) { db in
            try db.execute(sql: v12SQL)
        }
        return migrator
    }

    private static let v1SQL = """
        CREATE TABLE grid_cell (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            level TEXT NOT NULL CHECK (level IN ('district', 'street', 'community', 'micro-grid')),
            parent_id TEXT REFERENCES grid_cell(id),
            CHECK ((level = 'district') = (parent_id IS NULL))
        );
        CREATE INDEX grid_cell_parent ON grid_cell(parent_id);

        CREATE TABLE camera (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            cell_id TEXT NOT NULL REFERENCES grid_cell(id),
            url TEXT
        );
        CREATE INDEX camera_cell ON camera(cell_id);

        CREATE TABLE report (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL,
            age_group TEXT,
            height_cm REAL,
            upper TEXT NOT NULL DEFAULT '',
            lower TEXT NOT NULL DEFAULT '',
            described_as TEXT,
            notes TEXT,
            last_seen_cell TEXT REFERENCES grid_cell(id),
            last_seen_at TEXT,
            contact TEXT,
            status TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX report_status ON report(status);

        CREATE TABLE track (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            camera_id TEXT NOT NULL REFERENCES camera(id),
            run_id TEXT NOT NULL,
            track_no INTEGER NOT NULL,
            first_seen_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            first_seen REAL,
            last_seen REAL,
            upper_hist BLOB NOT NULL,
            upper_pixels INTEGER NOT NULL,
            lower_hist BLOB NOT NULL,
            lower_pixels INTEGER NOT NULL,
            lower_visibility REAL,
            height_px REAL,
            height_fraction REAL,
            relative_height REAL,
            speed REAL,
            heading REAL,
            loiter_s REAL,
            observations INTEGER NOT NULL,
            best_x REAL,
            best_y REAL,
            best_w REAL,
            best_h REAL,
            best_time REAL,
            UNIQUE (camera_id, run_id, track_no)
        );
        CREATE INDEX track_last_seen ON track(last_seen_at);

        CREATE TABLE incident (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            report_id INTEGER NOT NULL REFERENCES report(id),
            track_id INTEGER NOT NULL REFERENCES track(id),
            camera_id TEXT NOT NULL REFERENCES camera(id),
            cell_id TEXT NOT NULL REFERENCES grid_cell(id),
            seen_at TEXT NOT NULL,
            score REAL NOT NULL,
            snapshot_path TEXT,
            status TEXT NOT NULL,
            created_at TEXT NOT NULL,
            explanation TEXT NOT NULL DEFAULT '',
            UNIQUE (report_id, track_id)
        );
        CREATE INDEX incident_status_created ON incident(status, created_at);
        CREATE INDEX incident_track ON incident(track_id);
        """

    /// One row per camera, replaced by the process analysing it every few seconds and on every
    /// state change.
    private static let v2SQL = """
        CREATE TABLE camera_status (
            camera_id TEXT PRIMARY KEY NOT NULL REFERENCES camera(id) ON DELETE CASCADE,
            state TEXT NOT NULL,
            reason TEXT,
            state_since TEXT NOT NULL,
            reporter TEXT NOT NULL,
            input_fps REAL NOT NULL,
            analysed_fps REAL NOT NULL,
            frames_in INTEGER NOT NULL,
            frames_analysed INTEGER NOT NULL,
            frames_dropped INTEGER NOT NULL,
            frames_skipped INTEGER NOT NULL,
            corrupt_packets INTEGER NOT NULL,
            reconnects INTEGER NOT NULL,
            lag_p50_ms REAL,
            lag_p99_ms REAL,
            last_frame_at TEXT,
            updated_at TEXT NOT NULL
        );
        """

    /// Map positions of cells and cameras (WGS 84 degrees, both or neither), and the change
    /// sequence of tracks: each save sets `seq` to one more than the largest so far (writes are
    /// serialised, so it only grows), which lets the descriptor index catch up incrementally.
    private static let v3SQL = """
        ALTER TABLE grid_cell ADD COLUMN lat REAL;
        ALTER TABLE grid_cell ADD COLUMN lon REAL;
        ALTER TABLE camera ADD COLUMN lat REAL;
        ALTER TABLE camera ADD COLUMN lon REAL;
        ALTER TABLE track ADD COLUMN seq INTEGER;
        UPDATE track SET seq = id;
        CREATE UNIQUE INDEX track_seq ON track(seq);
        """

    /// Grid workers and duty posts; per incident one dispatch row (who answers for it now, by when —
    /// deadlines live here, not in a process, so they survive restarts) and an append-only event
    /// history (triggers refuse updates and deletes).
    private static let v4SQL = """
        CREATE TABLE grid_worker (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            cell_id TEXT NOT NULL REFERENCES grid_cell(id),
            role TEXT NOT NULL CHECK (role IN ('grid-worker', 'operator')),
            phone TEXT,
            password_hash TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX grid_worker_cell ON grid_worker(cell_id);

        CREATE TABLE duty_post (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            cell_id TEXT NOT NULL REFERENCES grid_cell(id),
            kind TEXT NOT NULL CHECK (kind IN ('duty-post', 'volunteer-station')),
            lat REAL,
            lon REAL
        );

        CREATE TABLE dispatch (
            incident_id INTEGER PRIMARY KEY NOT NULL REFERENCES incident(id),
            cell_id TEXT NOT NULL REFERENCES grid_cell(id),
            respond_by TEXT NOT NULL,
            resolve_by TEXT NOT NULL,
            escalations INTEGER NOT NULL DEFAULT 0,
            response_overdue INTEGER NOT NULL DEFAULT 0,
            resolution_overdue INTEGER NOT NULL DEFAULT 0,
            acknowledged_by TEXT,
            acknowledged_at TEXT,
            handled_level TEXT,
            resolved_by TEXT,
            resolved_at TEXT
        );
        CREATE INDEX dispatch_cell ON dispatch(cell_id);

        CREATE TABLE incident_event (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            incident_id INTEGER NOT NULL REFERENCES incident(id),
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            kind TEXT NOT NULL,
            cell_id TEXT,
            detail TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX incident_event_incident ON incident_event(incident_id, id);
        CREATE TRIGGER incident_event_no_update BEFORE UPDATE ON incident_event
            BEGIN SELECT RAISE(ABORT, 'incident events are append-only'); END;
        CREATE TRIGGER incident_event_no_delete BEFORE DELETE ON incident_event
            BEGIN SELECT RAISE(ABORT, 'incident events are append-only'); END;

        -- Sign-in sessions and family links: only SHA-256 digests of the secrets are stored.
        CREATE TABLE auth_session (
            token_sha256 TEXT PRIMARY KEY NOT NULL,
            worker_id TEXT NOT NULL REFERENCES grid_worker(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        CREATE TABLE report_link (
            token_sha256 TEXT PRIMARY KEY NOT NULL,
            report_id INTEGER NOT NULL REFERENCES report(id),
            created_at TEXT NOT NULL
        );
        """

    /// Camera leases for hosts sharing cameras (fencing token per grant), the live hosts, and an
    /// index for the per-report sighting window of incidents.
    private static let v5SQL = """
        CREATE TABLE camera_lease (
            camera_id TEXT PRIMARY KEY NOT NULL REFERENCES camera(id) ON DELETE CASCADE,
            holder TEXT,
            token INTEGER NOT NULL DEFAULT 0,
            granted_at TEXT,
            expires_at TEXT
        );
        CREATE TABLE ingest_host (
            id TEXT PRIMARY KEY NOT NULL,
            expires_at TEXT NOT NULL
        );
        CREATE INDEX incident_report_seen ON incident(report_id, seen_at);
        """

    /// Headwear, footwear, carried things and build of a report (JSON of `ReportAttributes`, `""`
    /// when the report says none).
    static let v6SQL = """
        ALTER TABLE report ADD COLUMN attributes TEXT NOT NULL DEFAULT '';
        """

    /// The incident list, newest first, and each of its filters read from an index in list order:
    /// no table scan and no sort, whatever the table's size, and a page after a cursor starts where
    /// the last one ended (`(created_at, id) < (…)`). The id is named although SQLite keeps the rowid
    /// in every index, because PostgreSQL does not.
    static let v7SQL = """
        CREATE INDEX incident_created ON incident(created_at, id);
        DROP INDEX incident_status_created;
        CREATE INDEX incident_status_created ON incident(status, created_at, id);
        CREATE INDEX incident_camera_created ON incident(camera_id, created_at, id);
        CREATE INDEX incident_cell_created ON incident(cell_id, created_at, id);
        CREATE INDEX incident_report_created ON incident(report_id, created_at, id);
        """

    /// The report list by status in id order, page after page (`id > ?`), on both engines.
    static let v8SQL = """
        DROP INDEX report_status;
        CREATE INDEX report_status ON report(status, id);
        """

    /// Tracks since a time in list order (last seen, then id), of one camera (a host taking a camera
    /// over reads them) or of all (retro search): a range of an index instead of every track the
    /// camera ever stored and a sort (PostgreSQL sorted ties by id too), on both engines.
    static let v9SQL = """
        CREATE INDEX track_camera_seen ON track(camera_id, last_seen_at, id);
        DROP INDEX track_last_seen;
        CREATE INDEX track_last_seen ON track(last_seen_at, id);
        """

    /// How each case ended (found or withdrawn, by whom, where the person was found), a phone for
    /// each duty post (what a family calls), and the leads of reports closed before closing a case
    /// closed its leads, closed now (they were still being dispatched and escalated).
    static let v10SQL = """
        CREATE TABLE case_closure (
            report_id INTEGER PRIMARY KEY NOT NULL REFERENCES report(id),
            outcome TEXT NOT NULL CHECK (outcome IN ('found', 'withdrawn')),
            closed_by TEXT NOT NULL,
            closed_at TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            found_incident_id INTEGER REFERENCES incident(id),
            found_cell_id TEXT REFERENCES grid_cell(id)
        );
        ALTER TABLE duty_post ADD COLUMN phone TEXT;
        \(v10Backfill)
        """

    /// An incident's pictures in the database, so that every host sharing it can show them: the
    /// crop around the person, the full frame with the person boxed, the strip of the seconds
    /// around; and the family's photo of the missing person (re-encoded, without its metadata).
    static let v11SQL = """
        CREATE TABLE incident_image (
            incident_id INTEGER NOT NULL REFERENCES incident(id),
            kind TEXT NOT NULL CHECK (kind IN ('crop', 'frame', 'strip')),
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            jpeg BLOB NOT NULL,
            PRIMARY KEY (incident_id, kind)
        );
        CREATE TABLE report_photo (
            report_id INTEGER PRIMARY KEY NOT NULL REFERENCES report(id),
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            jpeg BLOB NOT NULL,
            added_at TEXT NOT NULL
        );
        """

    /// Behaviour alerts are incidents too, without a report: `incident.kind` says what raised one
    /// (`match` for a report's lead, which alone has a report). SQLite cannot drop a NOT NULL, so
    /// the table is rebuilt (foreign keys are off while a migration runs and checked after it; the
    /// other tables refer to it by name, and every id is kept).
    static let v12SQL = """
        CREATE TABLE incident_v12 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL DEFAULT 'match'
                CHECK (kind IN ('match', 'danger-zone', 'child-alone', 'person-down', 'wandering')),
            report_id INTEGER REFERENCES report(id),
            track_id INTEGER NOT NULL REFERENCES track(id),
            camera_id TEXT NOT NULL REFERENCES camera(id),
            cell_id TEXT NOT NULL REFERENCES grid_cell(id),
            seen_at TEXT NOT NULL,
            score REAL NOT NULL,
            snapshot_path TEXT,
            status TEXT NOT NULL,
            created_at TEXT NOT NULL,
            explanation TEXT NOT NULL DEFAULT '',
            UNIQUE (report_id, track_id),
            CHECK ((kind = 'match') = (report_id IS NOT NULL))
        );
        INSERT INTO incident_v12 (id, kind, report_id, track_id, camera_id, cell_id, seen_at, score, snapshot_path, status,
                created_at, explanation)
            SELECT id, 'match', report_id, track_id, camera_id, cell_id, seen_at, score, snapshot_path, status, created_at,
                explanation FROM incident;
        DROP TABLE incident;
        ALTER TABLE incident_v12 RENAME TO incident;
        CREATE INDEX incident_track ON incident(track_id);
        CREATE INDEX incident_report_seen ON incident(report_id, seen_at);
        CREATE INDEX incident_created ON incident(created_at, id);
        CREATE INDEX incident_status_created ON incident(status, created_at, id);
        CREATE INDEX incident_camera_created ON incident(camera_id, created_at, id);
        CREATE INDEX incident_cell_created ON incident(cell_id, created_at, id);
        CREATE INDEX incident_report_created ON incident(report_id, created_at, id);
        CREATE INDEX incident_kind_created ON incident(kind, created_at, id);
        """

    /// Shared by both engines' v10.
    static let v10Backfill = """
        UPDATE incident SET status = 'case-closed'
            WHERE status IN ('open', 'acknowledged') AND report_id IN (SELECT id FROM report WHERE status <> 'open');
        """
}
