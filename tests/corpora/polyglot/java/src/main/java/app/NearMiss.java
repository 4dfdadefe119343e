package app;

/** Mentions OpenAiChatModel and https://api.openai.com in prose only. */
public class NearMiss {
    private final String openaiNote = "not used";
}
