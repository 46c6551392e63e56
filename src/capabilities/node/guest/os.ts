// Built-in module "os": a fixed, virtual machine description. Nothing here reads the host; memory figures are
// the sandbox's, and the uptime is the run's.
import type { Op } from "../../../guest/types.js";

const MEMORY = 2 ** 26;
const HOME = "/home/user";

const signals = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGIOT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGIO: 29,
  SIGPOLL: 29,
  SIGPWR: 30,
  SIGSYS: 31,
};

const errno = {
  E2BIG: 7,
  EACCES: 13,
  EADDRINUSE: 98,
  EAGAIN: 11,
  EBADF: 9,
  EBUSY: 16,
  ECONNREFUSED: 111,
  ECONNRESET: 104,
  EEXIST: 17,
  EINTR: 4,
  EINVAL: 22,
  EIO: 5,
  EISDIR: 21,
  EMFILE: 24,
  ENOENT: 2,
  ENOMEM: 12,
  ENOSPC: 28,
  ENOSYS: 38,
  ENOTDIR: 20,
  ENOTEMPTY: 39,
  ENOTSUP: 95,
  EPERM: 1,
  EPIPE: 32,
  ETIMEDOUT: 110,
};

const priority = {
  PRIORITY_LOW: 19,
  PRIORITY_BELOW_NORMAL: 10,
  PRIORITY_NORMAL: 0,
  PRIORITY_ABOVE_NORMAL: -7,
  PRIORITY_HIGH: -14,
  PRIORITY_HIGHEST: -20,
};

export function create(_op: Op, load: (id: string) => unknown): unknown {
  const constant =
    <T>(value: T) =>
    () =>
      value;
  return {
    EOL: "\n",
    devNull: "/dev/null",
    constants: { signals, errno, priority, dlopen: {}, UV_UDP_REUSEADDR: 4 },
    hostname: constant("cordon"),
    platform: constant("linux"),
    type: constant("Linux"),
    arch: constant("x64"),
    machine: constant("x86_64"),
    release: constant("6.0.0"),
    version: constant("#1 SMP"),
    endianness: constant("LE"),
    tmpdir: constant("/tmp"),
    homedir: constant(HOME),
    totalmem: constant(MEMORY),
    freemem: constant(MEMORY),
    availableParallelism: constant(1),
    loadavg: () => [0, 0, 0],
    uptime: () => Math.round(performance.now() / 10) / 100,
    cpus: () => [
      { model: "cordon virtual CPU", speed: 0, times: { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 } },
    ],
    networkInterfaces: () => ({}),
    userInfo: (options?: { encoding?: string }) => {
      const info: Record<string, unknown> = {
        uid: 1000,
        gid: 1000,
        username: "user",
        homedir: HOME,
        shell: "/bin/sh",
      };
      if (options?.encoding === "buffer") {
        const { Buffer } = load("buffer") as { Buffer: { from(s: unknown): unknown } };
        for (const key of ["username", "homedir", "shell"]) info[key] = Buffer.from(info[key]);
      }
      return info;
    },
    getPriority: constant(0),
    setPriority: () => {},
  };
}
