import { describe, expect, test } from "bun:test";
import { applyImageRuntime, type TaskCommand } from "./runtime-config.ts";

const task = (t: Partial<TaskCommand>): TaskCommand => ({ shell: false, arguments: [], ...t });

describe("applyImageRuntime (Mesos's docker/runtime table)", () => {
  const E = ["/entry", "-e"];
  const C = ["/cmd", "-c"];

  test("shell=false, no value: Entrypoint then Cmd, or Entrypoint then the task's arguments", () => {
    expect(applyImageRuntime(task({}), { Entrypoint: E, Cmd: C }).command).toEqual({
      shell: false,
      value: "/entry",
      arguments: ["/entry", "-e", "/cmd", "-c"],
    });
    expect(applyImageRuntime(task({}), { Entrypoint: E }).command).toEqual({ shell: false, value: "/entry", arguments: ["/entry", "-e"] });
    expect(applyImageRuntime(task({ arguments: ["x", "y"] }), { Entrypoint: E, Cmd: C }).command).toEqual({
      shell: false,
      value: "/entry",
      arguments: ["/entry", "-e", "x", "y"],
    });
  });

  test("shell=false, no value, no Entrypoint: Cmd, or Cmd[0] with the task's arguments", () => {
    expect(applyImageRuntime(task({}), { Cmd: C }).command).toEqual({ shell: false, value: "/cmd", arguments: ["/cmd", "-c"] });
    expect(applyImageRuntime(task({ arguments: ["z"] }), { Cmd: C }).command).toEqual({ shell: false, value: "/cmd", arguments: ["/cmd", "z"] });
  });

  test("a value wins over the image, with or without shell", () => {
    expect(applyImageRuntime(task({ value: "/bin/echo", arguments: ["echo", "hi"] }), { Entrypoint: E, Cmd: C }).command).toEqual({
      shell: false,
      value: "/bin/echo",
      arguments: ["echo", "hi"],
    });
    expect(applyImageRuntime(task({ shell: true, value: "echo $HOME" }), { Entrypoint: E, Cmd: C }).command).toEqual({
      shell: true,
      value: "echo $HOME",
      arguments: [],
    });
  });

  test("errors: shell without a value; nothing to run", () => {
    expect(() => applyImageRuntime(task({ shell: true }), { Cmd: C })).toThrow("Shell specified but no command value provided");
    expect(() => applyImageRuntime(task({}), {})).toThrow(/No executable is found/);
  });

  test("Env: the image's, overridden by the task's; malformed entries skipped", () => {
    const r = applyImageRuntime(
      task({
        value: "x",
        environment: [
          { name: "B", value: "task" },
          { name: "C", value: "3" },
        ],
      }),
      {
        Env: ["A=1", "B=image", "NOEQUALS", "D=x=y"],
      },
    );
    expect(r.environment).toEqual([
      { name: "A", value: "1" },
      { name: "B", value: "task" },
      { name: "D", value: "x=y" },
      { name: "C", value: "3" },
    ]);
  });

  test("WorkingDir and User when the image sets them (empty strings mean unset)", () => {
    expect(applyImageRuntime(task({ value: "x" }), { WorkingDir: "/srv", User: "app:apps" })).toMatchObject({
      workingDirectory: "/srv",
      user: "app:apps",
    });
    const r = applyImageRuntime(task({ value: "x" }), { WorkingDir: "", User: "" });
    expect(r.workingDirectory).toBeUndefined();
    expect(r.user).toBeUndefined();
  });
});
