import { anthropic } from "./client";

export async function summarise(text: string) {
  return anthropic.messages.create({ model: "claude-3-5-haiku-latest", max_tokens: 200, messages: [{ role: "user", content: text }] });
}
