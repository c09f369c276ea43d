//! How the model's own types are kept in columns, on either engine: an account's id
//! as the integer it wraps, and words ([`Word`]) as text, read back strictly: a word
//! this version does not know is an error, never a value that passes a check by
//! accident. The statements bind and read them as they do `i64` and `String`.

use super::model::{AccountId, Novelty, SignInMethod, Word};

/// Reads a column of words as `T`: a word this version does not know is an error,
/// never a value that passes a check by accident.
fn decode_word<'r, DB: sqlx::Database, T: Word>(
    value: DB::ValueRef<'r>,
) -> Result<T, sqlx::error::BoxDynError>
where
    String: sqlx::Decode<'r, DB>,
{
    let text = <String as sqlx::Decode<'r, DB>>::decode(value)?;
    T::from_word(&text)
        .ok_or_else(|| format!("unknown {} {text:?}", std::any::type_name::<T>()).into())
}

impl<DB: sqlx::Database> sqlx::Type<DB> for AccountId
where
    i64: sqlx::Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <i64 as sqlx::Type<DB>>::type_info()
    }

    fn compatible(ty: &DB::TypeInfo) -> bool {
        <i64 as sqlx::Type<DB>>::compatible(ty)
    }
}

impl<'q, DB: sqlx::Database> sqlx::Encode<'q, DB> for AccountId
where
    i64: sqlx::Encode<'q, DB>,
{
    fn encode_by_ref(
        &self,
        buf: &mut <DB as sqlx::Database>::ArgumentBuffer<'q>,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        self.0.encode_by_ref(buf)
    }
}

impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for AccountId
where
    i64: sqlx::Decode<'r, DB>,
{
    fn decode(value: DB::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        <i64 as sqlx::Decode<'r, DB>>::decode(value).map(Self)
    }
}

impl<DB: sqlx::Database> sqlx::Type<DB> for SignInMethod
where
    String: sqlx::Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <String as sqlx::Type<DB>>::type_info()
    }

    fn compatible(ty: &DB::TypeInfo) -> bool {
        <String as sqlx::Type<DB>>::compatible(ty)
    }
}

impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for SignInMethod
where
    String: sqlx::Decode<'r, DB>,
{
    fn decode(value: DB::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        decode_word::<DB, Self>(value)
    }
}

impl<DB: sqlx::Database> sqlx::Type<DB> for Novelty
where
    String: sqlx::Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <String as sqlx::Type<DB>>::type_info()
    }

    fn compatible(ty: &DB::TypeInfo) -> bool {
        <String as sqlx::Type<DB>>::compatible(ty)
    }
}

impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for Novelty
where
    String: sqlx::Decode<'r, DB>,
{
    fn decode(value: DB::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        decode_word::<DB, Self>(value)
    }
}
