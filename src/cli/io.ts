/** What the CLI touches of the outside world, so tests can run it in-process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export const processIo = (): CliIo => ({
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  cwd: process.cwd(),
});

/** Exit codes (docs/cli.md). */
export const EXIT = {
  ok: 0,
  /** Findings at or above --fail-on. */
  findings: 1,
  /** Bad flags, payloads or input files: nothing was done. */
  usage: 2,
  /** An API or runtime failure, or a cleanup whose deletions partly failed. */
  failure: 3,
} as const;
