from gateway.session import BASE, make_session


class Gateway:
    def __init__(self) -> None:
        self.http = make_session()

    def moderate(self, text):
        path = f"{BASE}/moderations"
        return self.http.post(path, json={"input": text})
