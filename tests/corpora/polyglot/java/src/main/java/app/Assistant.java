package app;

import dev.langchain4j.model.mistralai.MistralAiChatModel;

public class Assistant {
    private final MistralAiChatModel model = MistralAiChatModel.builder()
            .apiKey(System.getenv("MISTRAL_API_KEY"))
            .modelName("mistral-small-latest")
            .build();

    public String ask(String question) {
        return model.generate(question);
    }
}
