/**
 * /auth/login: Shopify's login form (the app template's): the merchant types their shop domain and
 * is sent through OAuth. `login()` answers the POST (a redirect) or returns field errors.
 */
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AppProvider as PolarisAppProvider, Button, Card, FormLayout, Page, Text, TextField } from "@shopify/polaris";
import polarisTranslations from "@shopify/polaris/locales/en.json";
import polarisStyles from "@shopify/polaris/build/esm/styles.css";
import { LoginErrorType } from "@shopify/shopify-app-remix/server";
import { useState } from "react";
import { login } from "~/shopify.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];
export const meta = () => [{ title: "Log in: Attune" }];

function loginErrorMessage(errors: { shop?: LoginErrorType } | null | undefined): { shop?: string } {
  if (errors?.shop === LoginErrorType.MissingShop) return { shop: "Please enter your shop domain to log in" };
  if (errors?.shop === LoginErrorType.InvalidShop) return { shop: "Please enter a valid shop domain to log in" };
  return {};
}

// A refused shop domain is a client error (400), shown beside the field; the blank form is a 200.
const answer = (errors: { shop?: string }) => json({ errors }, { status: errors.shop ? 400 : 200 });

export const loader = async ({ request }: LoaderFunctionArgs) => {
  // A GET without ?shop= renders the form (login() returns {} then); with ?shop= it redirects to OAuth.
  const url = new URL(request.url);
  const errors = loginErrorMessage(await login(request));
  return answer(url.searchParams.has("shop") ? errors : {});
};

export const action = async ({ request }: ActionFunctionArgs) => answer(loginErrorMessage(await login(request)));

export default function Auth() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [shop, setShop] = useState("");
  const { errors } = actionData || loaderData;
  return (
    <PolarisAppProvider i18n={polarisTranslations}>
      <Page narrowWidth>
        <Card>
          <Form method="post">
            <FormLayout>
              <Text variant="headingMd" as="h1">
                Log in to Attune
              </Text>
              <TextField
                type="text"
                name="shop"
                label="Shop domain"
                helpText="example.myshopify.com"
                value={shop}
                onChange={setShop}
                autoComplete="on"
                error={errors.shop}
              />
              <Button submit>Log in</Button>
            </FormLayout>
          </Form>
        </Card>
      </Page>
    </PolarisAppProvider>
  );
}
