module example.com/svc

go 1.22

require github.com/openai/openai-go v0.1.0
