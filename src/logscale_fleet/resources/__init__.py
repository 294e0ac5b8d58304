"""One module per Fleet Management resource; each class is an attribute of FleetClient
(`fleet.install_tokens`, `fleet.configurations`). Resources add input checks and policy (paging,
ensure) and send through the executor by operation name; they hold no GraphQL."""
