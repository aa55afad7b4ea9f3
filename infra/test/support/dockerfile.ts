import { readFileSync } from 'node:fs';
import { DockerfileParser, ModifiableInstruction, type Instruction } from 'dockerfile-ast';

export interface Step {
  keyword: string;
  /** Arguments as written, flags removed and line continuations joined. */
  args: string;
  flags: Record<string, string>;
  /** 1-based, for messages. */
  line: number;
}

export interface Stage {
  name: string;
  /** The image or earlier stage named after FROM. */
  from: string;
  steps: Step[];
}

function flagsOf(instruction: Instruction): Record<string, string> {
  if (!(instruction instanceof ModifiableInstruction)) return {};
  return Object.fromEntries(instruction.getFlags().map((flag) => [flag.getName(), flag.getValue() ?? '']));
}

/** The stages of a Dockerfile in order, each with its instructions after FROM. */
export function readStages(path: string): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of DockerfileParser.parse(readFileSync(path, 'utf8')).getInstructions()) {
    const keyword = instruction.getKeyword();
    const args = instruction.getArgumentsContent() ?? '';
    const line = instruction.getRange().start.line + 1;
    if (keyword === 'FROM') {
      const [from = '', as, name] = args.split(/\s+/);
      stages.push({ name: as?.toUpperCase() === 'AS' && name !== undefined ? name : String(stages.length), from, steps: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (stage === undefined) continue; // ARGs before the first FROM only parameterise FROM lines.
    stage.steps.push({ keyword, args, flags: flagsOf(instruction), line });
  }
  return stages;
}

/** `KEY=value KEY2=value2` of ENV and ARG (no quoting is used in our Dockerfiles). */
export function parseAssignments(args: string): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = {};
  for (const pair of args.split(/\s+/).filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq === -1) result[pair] = undefined;
    else result[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return result;
}

/** CMD and HEALTHCHECK in exec form: the JSON array after an optional `CMD` keyword. */
export function execForm(args: string): string[] {
  const json = args.replace(/^CMD\s+/i, '');
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === 'string')) {
    throw new Error(`expected an exec-form JSON array of strings, got ${args}`);
  }
  return parsed;
}

/** `type=cache,id=x,target=/y` → { type: 'cache', id: 'x', target: '/y' } */
export function parseMount(value: string): Record<string, string> {
  return Object.fromEntries(value.split(',').map((option) => option.split('=', 2) as [string, string]));
}
