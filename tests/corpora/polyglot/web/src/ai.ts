import OpenAI from "openai";

const client = new OpenAI({ baseURL: "https://api.mistral.ai/v1", apiKey: process.env.MISTRAL_API_KEY });

export async function ask(question: string): Promise<string> {
  const reply = await client.chat.completions.create({
    model: "mistral-small-latest",
    messages: [{ role: "user", content: question }],
  });
  return reply.choices[0].message.content ?? "";
}
