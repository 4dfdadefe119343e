from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate

from pipeline.models import llm

prompt = ChatPromptTemplate.from_messages([("system", "Summarise."), ("user", "{text}")])
chain = prompt | llm | StrOutputParser()


def summarise(text: str) -> str:
    return chain.invoke({"text": text})
