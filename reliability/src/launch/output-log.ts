/**
 * Every line the started processes print, kept in full (an instance itself keeps only its last
 * lines), so a test can search all of it afterwards.
 */
export class OutputLog {
  readonly lines: string[] = [];

  /** Pass as an instance's `onLine`. */
  readonly record = (line: string): void => {
    this.lines.push(line);
  };

  linesContaining(text: string): string[] {
    return this.lines.filter((line) => line.includes(text));
  }
}
