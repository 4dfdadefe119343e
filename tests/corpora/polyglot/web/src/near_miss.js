// We could `import OpenAI from "openai"` here one day; see https://platform.openai.com/docs.
const openaiEnabled = false;
export function invoke(handler) {
  return handler.invoke();
}
