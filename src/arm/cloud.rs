//! Azure clouds: the ARM endpoint, the token audience and the sign-in
//! authority of each, and custom overrides.

use crate::error::Error;
use url::Url;

/// `--cloud`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CloudChoice {
    /// Azure public cloud (management.azure.com).
    Public,
    /// Azure Government (management.usgovcloudapi.net).
    Usgov,
    /// Azure operated by 21Vianet (management.chinacloudapi.cn).
    China,
}

/// The endpoints of one run.
#[derive(Clone, Debug)]
pub struct Cloud {
    /// The manifest's name for it (`AzureCloud`, ...).
    pub name: &'static str,
    pub arm: Url,
    /// The token audience (`https://management.azure.com/`).
    pub audience: String,
    pub authority_host: Url,
    choice: CloudChoice,
}

impl Cloud {
    pub fn new(
        choice: CloudChoice,
        arm_endpoint: Option<&str>,
        authority_host: Option<&str>,
    ) -> Result<Cloud, Error> {
        let (name, arm, authority) = match choice {
            CloudChoice::Public => (
                "AzureCloud",
                "https://management.azure.com",
                "https://login.microsoftonline.com",
            ),
            CloudChoice::Usgov => (
                "AzureUSGovernment",
                "https://management.usgovcloudapi.net",
                "https://login.microsoftonline.us",
            ),
            CloudChoice::China => (
                "AzureChinaCloud",
                "https://management.chinacloudapi.cn",
                "https://login.chinacloudapi.cn",
            ),
        };
        let audience = format!("{arm}/");
        let parse = |flag: &str, s: &str| {
            Url::parse(s).map_err(|e| Error::Usage(format!("{flag} `{s}` is not a URL ({e})")))
        };
        let arm = parse("--arm-endpoint", arm_endpoint.unwrap_or(arm))?;
        if arm.path() != "/" || arm.query().is_some() {
            return Err(Error::Usage(format!(
                "--arm-endpoint `{arm}` must be a scheme, host and port only (like https://management.azure.com)"
            )));
        }
        let authority_host = parse("--authority-host", authority_host.unwrap_or(authority))?;
        if authority_host.scheme() != "https" {
            return Err(Error::Usage(format!(
                "--authority-host `{authority_host}` must use https://"
            )));
        }
        Ok(Cloud {
            name,
            arm,
            audience,
            authority_host,
            choice,
        })
    }

    /// The OAuth scope for ARM tokens.
    pub fn scope(&self) -> String {
        format!("{}.default", self.audience)
    }

    /// The SDK's cloud configuration (it reads the authority host from it).
    pub fn sdk_configuration(&self) -> azure_core::cloud::CloudConfiguration {
        use azure_core::cloud::{CloudConfiguration, CustomConfiguration};
        let default_host = match self.choice {
            CloudChoice::Public => "https://login.microsoftonline.com/",
            CloudChoice::Usgov => "https://login.microsoftonline.us/",
            CloudChoice::China => "https://login.chinacloudapi.cn/",
        };
        if self.authority_host.as_str() != default_host {
            let mut custom = CustomConfiguration::default();
            custom.authority_host = self
                .authority_host
                .as_str()
                .trim_end_matches('/')
                .to_string();
            return custom.into();
        }
        match self.choice {
            CloudChoice::Public => CloudConfiguration::AzurePublic,
            CloudChoice::Usgov => CloudConfiguration::AzureGovernment,
            CloudChoice::China => CloudConfiguration::AzureChina,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clouds_have_their_endpoints() {
        let c = Cloud::new(CloudChoice::Usgov, None, None).unwrap();
        assert_eq!(c.arm.as_str(), "https://management.usgovcloudapi.net/");
        assert_eq!(c.scope(), "https://management.usgovcloudapi.net/.default");
        let c = Cloud::new(CloudChoice::Public, Some("http://127.0.0.1:9"), None).unwrap();
        assert_eq!(c.arm.as_str(), "http://127.0.0.1:9/");
        assert_eq!(c.scope(), "https://management.azure.com/.default");
        assert!(Cloud::new(CloudChoice::Public, None, Some("http://login.example")).is_err());
        assert!(Cloud::new(CloudChoice::Public, Some("https://x/sub/path"), None).is_err());
    }
}
