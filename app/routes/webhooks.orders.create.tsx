import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "~/services/webhooks.server";

export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, "orders/create");
