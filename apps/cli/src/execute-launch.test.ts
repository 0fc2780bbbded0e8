import { expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { ContainerInfo_Type, ExecutorInfo_Type, Image_Type, OfferSchema, Offer_Operation_Type } from "@mesos/proto";
import { type LaunchFlags, planLaunch } from "./execute-launch.ts";

const base: LaunchFlags = { shell: true, arguments: [], tty: false, resources: "cpus:0.1;mem:32", role: "*" };
const offer = create(OfferSchema, { agentId: { value: "S1" } });

test("a shell command with --env and --tty", () => {
  const plan = planLaunch({ ...base, name: "t", command: "echo $A", env: '{"A":"1"}', tty: true });
  const op = plan.operation(offer, "F");
  expect(op.type).toBe(Offer_Operation_Type.LAUNCH);
  const task = op.launch!.taskInfos![0]!;
  expect(task.command).toMatchObject({ value: "echo $A", shell: true, environment: { variables: [{ name: "A", value: "1" }] } });
  expect(task.container).toMatchObject({ type: ContainerInfo_Type.MESOS, ttyInfo: {} });
  expect(task.agentId?.value).toBe("S1");
});

test("--shell=false: the command is the executable and argv[0], the rest follow", () => {
  const task = planLaunch({ ...base, name: "t", command: "/bin/echo", shell: false, arguments: ["a", "b"] }).operation(offer, "F").launch!
    .taskInfos![0]!;
  expect(task.command).toMatchObject({ value: "/bin/echo", shell: false, arguments: ["/bin/echo", "a", "b"] });
});

test("--docker_image: with --command, a shell command in the image; without, its Entrypoint and Cmd (args after '--' replace Cmd)", () => {
  const image = { type: ContainerInfo_Type.MESOS, mesos: { image: { type: Image_Type.DOCKER, docker: { name: "busybox:1.36" } } } };
  const withCommand = planLaunch({ ...base, name: "t", command: "ls /", docker_image: "busybox:1.36" }).operation(offer, "F").launch!.taskInfos![0]!;
  expect(withCommand.command).toMatchObject({ value: "ls /", shell: true });
  expect(withCommand.container).toMatchObject(image);
  const entry = planLaunch({ ...base, name: "t", docker_image: "busybox:1.36", arguments: ["x"] }).operation(offer, "F").launch!.taskInfos![0]!;
  expect(entry.command).toMatchObject({ shell: false, arguments: ["x"] });
  expect(entry.command?.value).toBe("");
  expect(entry.container).toMatchObject(image);
  expect(() => planLaunch({ ...base, task: "{}", docker_image: "busybox" })).toThrow("--docker_image can only be set without --task");
});

test("--task_group runs under the default executor and waits for every task", () => {
  const group = JSON.stringify({
    tasks: ["a", "b"].map((id) => ({
      name: id,
      task_id: { value: id },
      command: { value: "true" },
      resources: [{ name: "cpus", type: "SCALAR", scalar: { value: 0.2 } }],
    })),
  });
  const plan = planLaunch({ ...base, task_group: group });
  expect(plan.taskIds).toEqual(["a", "b"]);
  expect(plan.wanted.scalar("cpus")).toBeCloseTo(0.5);
  const op = plan.operation(offer, "F");
  expect(op.type).toBe(Offer_Operation_Type.LAUNCH_GROUP);
  expect(op.launchGroup!.executor).toMatchObject({
    type: ExecutorInfo_Type.DEFAULT,
    executorId: { value: "default-executor" },
    frameworkId: { value: "F" },
  });
});

test("bad combinations and bad JSON are refused with the flag's name", () => {
  expect(() => planLaunch({ ...base, name: "t" })).toThrow("Missing required option --command");
  expect(() => planLaunch({ ...base, name: "t", command: "x", arguments: ["y"] })).toThrow("need --shell=false");
  expect(() => planLaunch({ ...base, name: "t", command: "x", env: "[1]" })).toThrow("--env: expected a JSON object");
  expect(() => planLaunch({ ...base, task_group: "{nope" })).toThrow("--task_group:");
  expect(() => planLaunch({ ...base, task_group: "/nonexistent.json" })).toThrow("cannot read '/nonexistent.json'");
  expect(() => planLaunch({ ...base, task: "{}", task_group: "{}" })).toThrow("not both");
});
