/** What a service module gets: a private directory and a way to say what it does. */
export interface ServiceContext {
  /** A fresh temporary directory for this service's data, removed after the run. */
  readonly workDir: string;
  /** Variables exported by the services started before this one. */
  readonly env: Readonly<Record<string, string>>;
  log(line: string): void;
}

export interface RunningService {
  /** Variables the suites read, e.g. MESH_TEST_POSTGRES_URL. */
  readonly env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/**
 * One server the service suites need. `run.ts` installs the Debian packages of every
 * module that is not ready, then starts the modules in list order (a later one may use
 * an earlier one's variables) and stops them in reverse.
 */
export interface ServiceModule {
  readonly name: string;
  /** Debian packages to install when `installed()` says no. */
  readonly packages: readonly string[];
  installed(): Promise<boolean>;
  /** Work after installing and before starting, e.g. building an extension. */
  prepare?(context: Omit<ServiceContext, "env" | "workDir">): Promise<void>;
  start(context: ServiceContext): Promise<RunningService>;
}
