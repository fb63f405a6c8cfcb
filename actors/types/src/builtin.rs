//! Builtin actor types, singleton IDs and shared exit codes.

use fvm_shared::{address::Address, ActorID};

/// Builtin actor types, numbered as builtin-actors numbers them (1-based position in the
/// manifest). The FVM's `get_builtin_actor_type` returns these numbers, so our bundle lists
/// its actors in this order and leaves the slots of actors it does not ship unused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u32)]
pub enum Type {
    System = 1,
    Init = 2,
    Cron = 3,
    Account = 4,
    Power = 5,
    Miner = 6,
    Market = 7,
    PaymentChannel = 8,
    Multisig = 9,
    Reward = 10,
    VerifiedRegistry = 11,
    DataCap = 12,
    Placeholder = 13,
    Evm = 14,
    Eam = 15,
    EthAccount = 16,
}

impl Type {
    /// All types in manifest order.
    pub const ALL: [Type; 16] = [
        Type::System,
        Type::Init,
        Type::Cron,
        Type::Account,
        Type::Power,
        Type::Miner,
        Type::Market,
        Type::PaymentChannel,
        Type::Multisig,
        Type::Reward,
        Type::VerifiedRegistry,
        Type::DataCap,
        Type::Placeholder,
        Type::Evm,
        Type::Eam,
        Type::EthAccount,
    ];

    /// The type with FVM type number `n`.
    pub fn from_number(n: u32) -> Option<Type> {
        Type::ALL.get((n as usize).checked_sub(1)?).copied()
    }

    /// The name under which the manifest lists this type.
    pub fn name(self) -> &'static str {
        match self {
            Type::System => "system",
            Type::Init => "init",
            Type::Cron => "cron",
            Type::Account => "account",
            Type::Power => "storagepower",
            Type::Miner => "storageminer",
            Type::Market => "storagemarket",
            Type::PaymentChannel => "paymentchannel",
            Type::Multisig => "multisig",
            Type::Reward => "reward",
            Type::VerifiedRegistry => "verifiedregistry",
            Type::DataCap => "datacap",
            Type::Placeholder => "placeholder",
            Type::Evm => "evm",
            Type::Eam => "eam",
            Type::EthAccount => "ethaccount",
        }
    }
}

/// The system actor.
pub const SYSTEM_ACTOR_ID: ActorID = 0;
/// The init actor: allocates IDs and keeps the address map.
pub const INIT_ACTOR_ID: ActorID = 1;
/// The reward actor: pays block rewards (in our own bundle, only a balance holder).
pub const REWARD_ACTOR_ID: ActorID = 2;
/// The cron actor: what runs at the end of every epoch.
pub const CRON_ACTOR_ID: ActorID = 3;
/// The storage power actor.
pub const POWER_ACTOR_ID: ActorID = 4;
/// The storage market actor.
pub const MARKET_ACTOR_ID: ActorID = 5;
/// The verified registry actor.
pub const VERIFREG_ACTOR_ID: ActorID = 6;
/// The DataCap token actor.
pub const DATACAP_ACTOR_ID: ActorID = 7;
/// The Ethereum address manager.
pub const EAM_ACTOR_ID: ActorID = 10;
/// Where burnt fees go.
pub const BURNT_FUNDS_ACTOR_ID: ActorID = 99;
/// The first ID the init actor hands out.
pub const FIRST_NON_SINGLETON_ID: ActorID = 100;

/// `f00`.
pub const SYSTEM_ACTOR_ADDR: Address = Address::new_id(SYSTEM_ACTOR_ID);
/// `f01`.
pub const INIT_ACTOR_ADDR: Address = Address::new_id(INIT_ACTOR_ID);
/// `f010`.
pub const EAM_ACTOR_ADDR: Address = Address::new_id(EAM_ACTOR_ID);

/// Methods numbered from here on (FRC-42) may be called by anyone; lower ones only by builtin
/// actors.
pub const FIRST_EXPORTED_METHOD_NUMBER: u64 = 1 << 24;

/// Method 0: a plain value transfer, handled by the FVM without invoking the actor.
pub const METHOD_SEND: u64 = 0;
/// Method 1 of every actor.
pub const METHOD_CONSTRUCTOR: u64 = 1;
