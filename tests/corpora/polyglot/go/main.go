package main

import (
	"context"
	"fmt"

	"github.com/openai/openai-go"
)

func main() {
	client := openai.NewClient()
	reply, err := client.Chat.Completions.New(context.TODO(), openai.ChatCompletionNewParams{
		Model: openai.F(openai.ChatModelGPT4o),
	})
	fmt.Println(reply, err)
}
