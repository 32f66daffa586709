"""``python -m mynumber_demo_bank``: apply to the provider, wait for the card centre's
approval, then serve the bank's page."""

from __future__ import annotations

import argparse

import uvicorn

from mynumber_demo_bank import apply, create_app, new_key


def main() -> None:
    parser = argparse.ArgumentParser(description="Sakura Bank, a demo OpenID Connect client")
    parser.add_argument("--provider", default="http://127.0.0.1:8000")
    parser.add_argument("--port", type=int, default=8100)
    args = parser.parse_args()
    redirect_uri = f"http://127.0.0.1:{args.port}/callback"
    key = new_key()
    client_id = apply(args.provider, redirect_uri, key)
    print(f"Applied as {client_id}. The card centre approves it with:")
    print(f"  mynumber oidc approve {client_id}")
    print(f"Then open http://127.0.0.1:{args.port}/")
    app = create_app(
        provider=args.provider, client_id=client_id, key=key, redirect_uri=redirect_uri
    )
    uvicorn.run(app, host="127.0.0.1", port=args.port)


if __name__ == "__main__":
    main()
