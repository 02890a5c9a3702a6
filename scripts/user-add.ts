// npm run user:add -- <name> <role> [--password-stdin] [--development]
// Prints the JSON entry to add to CONSOLE_USERS_FILE (scrypt hash, never the password) and the
// password: typed at a prompt (twice), read from stdin with --password-stdin, or generated when the
// prompt is left empty. Changes no file: the users file is yours to edit and deploy.
// --development marks the quick start's admin, which a production server refuses to start with.
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { hashPassword } from "@/lib/auth/passwords";
import { usersFileSchema } from "@/lib/config/auth";
import { roles, type Role } from "@/lib/policy/access";

function usage(message: string): never {
  console.error(
    `user:add: ${message}\nusage: npm run user:add -- <name> <${roles.join("|")}> [--password-stdin]`,
  );
  process.exit(2);
}

/** A prompt whose typed characters are not echoed. */
async function ask(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write("\n");
      resolve(answer);
    });
    muted = true;
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

const generatePassword = () => randomBytes(18).toString("base64url");

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const fromStdin = args.includes("--password-stdin");
  const [username, role] = args.filter((a) => !a.startsWith("--"));
  if (!username || !role) usage("a user name and a role are required");
  if (!roles.includes(role as Role)) usage(`role must be one of ${roles.join(", ")}`);

  let password: string;
  let generated = false;
  if (fromStdin) {
    password = await readStdin();
    if (password === "") usage("--password-stdin read an empty password");
  } else if (process.stdin.isTTY) {
    password = await ask("Password (empty: generate one): ");
    if (password !== "" && (await ask("Repeat it: ")) !== password) usage("the passwords differ");
  } else {
    password = "";
  }
  if (password === "") {
    password = generatePassword();
    generated = true;
  } else if (password.length < 12) {
    usage("a password needs at least 12 characters");
  }

  const entry = {
    username,
    role: role as Role,
    passwordHash: await hashPassword(password),
    ...(args.includes("--development") ? { development: true } : {}),
  };
  const check = usersFileSchema.safeParse([entry]);
  if (!check.success) usage(check.error.issues[0]?.message ?? "invalid entry");

  console.error(`Add this entry to the JSON array in CONSOLE_USERS_FILE, then restart the console:`);
  console.log(JSON.stringify(entry));
  console.error(
    generated
      ? `Generated password for ${username} (shown once): ${password}`
      : `Password set for ${username}.`,
  );
}

void main();
