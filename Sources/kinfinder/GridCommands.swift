import ArgumentParser
import Foundation
import GridStore
import Ingest
import KinfinderCore
import Matching

struct Grid: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the grid: district > street > community > micro-grid.",
        subcommands: [Import.self, List.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Import grid cells and cameras from a YAML file.")
        @OptionGroup var store: StoreOptions
        @Argument(help: ArgumentHelp("YAML file with cells (nested by level) and cameras.", valueName: "file"))
        var file: String

        func run() async throws {
            let grid = try GridFile.load(path: absolute(file))
            let db = try await store.openStore()
            try await db.upsertCells(grid.cells)
            for c in grid.cameras { try await db.upsertCamera(c) }
            for p in grid.posts { try await db.upsertDutyPost(p) }
            print("imported \(grid.cells.count) cells and \(grid.cameras.count) cameras into \(store.databasePath)"
                + (grid.posts.isEmpty ? "" : " (and \(grid.posts.count) duty posts)"))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the grid as a tree, with cameras.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let db = try await store.openStore()
            let cells = try await db.cells()
            let cameras = try await db.cameras()
            guard !cells.isEmpty else {
                print("no grid cells yet: kinfinder grid import FILE")
                return
            }
            let children = Dictionary(grouping: cells, by: { $0.parentID ?? "" })
            let camerasByCell = Dictionary(grouping: cameras, by: \.cellID)
            func show(_ c: GridCell, _ depth: Int) {
                let pad = String(repeating: "  ", count: depth)
                print("\(pad)\(c.id)  \(PlainText.escaped(c.name))  [\(c.level.rawValue)]")
                for cam in camerasByCell[c.id] ?? [] { print("\(pad)  📷 \(cam.id)  \(PlainText.escaped(cam.name))") }
                for k in (children[c.id] ?? []).sorted(by: { $0.id < $1.id }) { show(k, depth + 1) }
            }
            for root in (children[""] ?? []).sorted(by: { $0.id < $1.id }) { show(root, 0) }
        }
    }
}

struct CameraCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "camera", abstract: "Manage cameras.", subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add or update a camera in a grid cell.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Camera id, e.g. cam-gate.") var id: String
        @Option(help: "Grid cell the camera watches.") var cell: String
        @Option(help: "Display name.") var name: String?
        @Option(help: "Stream URL (rtsp://…) or file.") var url: String?

        func validate() throws {
            guard !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                throw ValidationError("camera id may use letters, digits, '-', '_' and '.' only")
            }
        }

        func run() async throws {
            let db = try await store.openStore()
            guard try await db.cell(id: cell) != nil else { throw KinfinderError.unknownCell(cell) }
            try await db.upsertCamera(Camera(id: id, name: name ?? id, cellID: cell, url: url.map(StreamURL.redacted)))
            print("camera \(id) in cell \(cell)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List cameras.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let db = try await store.openStore()
            let cams = try await db.cameras()
            printTable(["ID", "NAME", "CELL", "URL"], cams.map { [$0.id, $0.name, $0.cellID, StreamURL.redacted($0.url ?? "")] })
        }
    }
}
