import ArgumentParser
import KinfinderCore

@main
struct Kinfinder: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kinfinder",
        abstract: "Find lost children and elderly people in scenic-area camera footage by what they wear.",
        discussion: """
            A typical first run:
              kinfinder grid import SampleClips/grid.yaml
              kinfinder report add --name 小明 --describe "红色上衣 蓝色裤子 小孩" --last-seen XH-S1-C1-M1 --at 20m
              kinfinder watch SampleClips/scenic-gate-640.mp4 --camera cam-gate
              kinfinder incidents
            A report filed after the person walked past the cameras:
              kinfinder report add --describe "穿红色上衣的老人" --last-seen XH-BS-DQ-01 --at 40m
                                                         (searches the stored tracks at once)
              kinfinder search --report 2                (again, later; --raise makes incidents)
            Live cameras:
              kinfinder run --config kinfinder.yaml      (RTSP cameras, until Ctrl-C; SIGHUP reloads)
              kinfinder cameras                          (their health)
            """,
        version: KinfinderVersion.string,
        subcommands: [Grid.self, CameraCommand.self, ReportCommand.self, Watch.self, Run.self, Cameras.self, Incidents.self, IncidentCommand.self, Evaluate.self, Bench.self, Search.self, Reindex.self, BenchSearch.self, BenchStore.self, BenchReading.self, Serve.self, WorkerCommand.self]
    )
}
