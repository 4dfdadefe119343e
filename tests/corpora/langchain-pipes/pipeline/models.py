from langchain_mistralai import ChatMistralAI
from langchain_openai import OpenAIEmbeddings

llm = ChatMistralAI(model="mistral-large-latest", temperature=0)
embeddings = OpenAIEmbeddings(model="text-embedding-3-small")
