import Anthropic from "@anthropic-ai/sdk";

export const anthropic = new Anthropic();
