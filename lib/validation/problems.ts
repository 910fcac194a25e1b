/**
 * Collects every problem in an input before failing, so one run shows them all.
 */
export class Problems {
  private readonly items: string[] = [];

  constructor(private readonly source: string) {}

  add(where: string, message: string): void {
    this.items.push(`${where}: ${message}`);
  }

  get count(): number {
    return this.items.length;
  }

  /** Every problem so far, each `where: message`. */
  list(): readonly string[] {
    return [...this.items];
  }

  /** Throws one Error listing every problem, or returns if there are none. */
  throwIfAny(): void {
    if (this.items.length === 0) return;
    const noun = this.items.length === 1 ? 'problem' : 'problems';
    throw new ValidationError(
      `${this.source} has ${this.items.length} ${noun}:\n${this.items.map((i) => `  - ${i}`).join('\n')}`,
    );
  }
}

/** Bad input: the message is written for the person who edits the file. */
export class ValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationError';
  }
}

/** Quotes a value for a message, showing invisible characters. */
export function show(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value);
}
